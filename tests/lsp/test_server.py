"""The real `policy-lint server`, over stdio, driven by an independent client: pytest-lsp,
built on pygls. `.ci/lsp-test` runs it; POLICY_LINT names the binary.

One session, as an editor would have it, on seed 000 at 2026-11-22: its five findings where
the CLI puts them; fix-all on a policy with non-ISO dates, the text `--fix` writes; "Record
rotation of AWS Access Keys today", the text `rotate` writes; the hover on that row; shutdown.
"""

import asyncio
import json
import os
import pathlib
import shutil
import subprocess

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("POLICY_LINT", str(REPO / "target" / "debug" / "policy-lint"))
SEED = REPO.parent / "shared" / "seeds" / "000_44b596ed7c7cac7d.txt"
NON_ISO = REPO / "fixtures" / "non-iso-date" / "spellings.md"
TODAY = "2026-11-22"
ENV = {**os.environ, "POLICY_LINT_TODAY": TODAY, "NO_COLOR": "1"}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BINARY, "server"], server_env=ENV)
)
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(
                    position_encodings=[types.PositionEncodingKind.Utf16]
                ),
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
                    hover=types.HoverClientCapabilities(
                        content_format=[types.MarkupKind.Markdown]
                    ),
                    code_action=types.CodeActionClientCapabilities(),
                    inlay_hint=types.InlayHintClientCapabilities(),
                ),
            )
        )
    )
    assert result.server_info.name == "policy-lint"
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    yield
    await lsp_client.shutdown_session()


def repository(tmp_path, name, text):
    """The policy in a repository of its own, so that no configuration around it applies."""
    root = tmp_path / name
    (root / ".git").mkdir(parents=True)
    path = root / "SECURITY.md"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def cli(path, *args):
    """policy-lint run beside the policy, on the same day."""
    return subprocess.run(
        [BINARY, *args], cwd=path.parent, env=ENV, capture_output=True, text=True
    )


def offset(text, position):
    """The index into `text` of an LSP position counted in UTF-16 code units."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for at, char in enumerate(line):
        if units >= position.character:
            return start + at
        units += len(char.encode("utf-16-le")) // 2
    return start + len(line)


def apply(text, edits):
    """The edits applied as a client applies them: positions read before any edit."""
    spans = sorted(
        (offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits
    )
    out, at = [], 0
    for start, end, new in spans:
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


async def open_and_wait(client, path):
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text=path.read_text("utf-8")
            )
        )
    )
    for _ in range(600):
        if uri in client.diagnostics:
            return uri, client.diagnostics[uri]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics for {uri}")


def edits_of(action, uri):
    return action.edit.changes[uri]


async def test_an_editor_session_on_seed_000(client: LanguageClient, tmp_path):
    seed = SEED.read_text("utf-8")
    path = repository(tmp_path, "seed", seed)
    uri, diagnostics = await open_and_wait(client, path)

    # The five findings, where the CLI reports them (1-based lines and columns, ASCII).
    report = json.loads(cli(path, "--format", "json", "SECURITY.md").stdout)
    expected = [
        (d["rule"], d["line"] - 1, d["column"] - 1, d["end_line"] - 1, d["end_column"] - 1, d["message"])
        for d in report["files"][0]["diagnostics"]
    ]
    got = [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message)
        for d in diagnostics
    ]
    assert len(got) == 5
    assert got == expected
    assert all(d.source == "policy-lint" for d in diagnostics)

    # Fix-all on a policy with non-ISO dates: the text `--fix` writes.
    other = repository(tmp_path, "non-iso", NON_ISO.read_text("utf-8"))
    other_uri, _ = await open_and_wait(client, other)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=other_uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.policy-lint"]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.policy-lint"]
    fixed = apply(other.read_text("utf-8"), edits_of(actions[0], other_uri))
    copy = repository(tmp_path, "non-iso-cli", other.read_text("utf-8"))
    cli(copy, "--fix", "SECURITY.md")
    assert fixed == copy.read_text("utf-8")
    assert fixed != other.read_text("utf-8")

    # "Record rotation of AWS Access Keys today": the text `rotate` writes.
    aws = next(d for d in diagnostics if d.range.start.line == 32)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=aws.range,
            context=types.CodeActionContext(diagnostics=[aws]),
        )
    )
    record = next(a for a in actions if a.title == "Record rotation of AWS Access Keys today")
    recorded = apply(seed, edits_of(record, uri))
    assert path.read_text("utf-8") == seed, "the server writes no file"
    rotated = repository(tmp_path, "rotated", seed)
    assert cli(rotated, "rotate", "AWS Access Keys", "--file", "SECURITY.md").returncode == 0
    assert recorded == rotated.read_text("utf-8")

    # The hover on the AWS row: when it fell due.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=32, character=55),
        )
    )
    assert "due: 2026-02-14 (281 days late)" in hover.contents.value
    assert "# rotation-overdue" in hover.contents.value

    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(0, 0), end=types.Position(60, 0)),
        )
    )
    assert [h.label for h in hints][0] == "due 2026-02-14 · 281 days late"
    assert len(hints) == 4
