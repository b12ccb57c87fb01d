//! Any bytes: decoding never panics, and when they are UTF-8 the parsed model's spans slice
//! the text they claim.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_lint::document::Document;
use policy_lint::io::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceFile::from_bytes("SECURITY.md", data.to_vec()) else {
        return;
    };
    let doc = Document::parse(&source);
    for table in &doc.tables {
        for row in std::iter::once(&table.header).chain(&table.rows) {
            for cell in &row.cells {
                assert!(cell.content().within(cell.span()));
                assert_eq!(source.slice(cell.content()), cell.text);
            }
        }
    }
    for section in &doc.sections {
        assert!(section.heading.end <= source.text.len());
        source.slice(section.title_span);
    }
    for field in &doc.fields {
        source.slice(field.value_span);
    }
});
