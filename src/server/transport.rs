//! The server's standard input and output: LSP's `Content-Length` frames, read on one thread
//! and written on another. Unlike `lsp_server::Connection::stdio`, a frame that is not JSON,
//! or not a JSON-RPC message, is answered with a JSON-RPC error (`-32700`, `-32600`) and
//! reading goes on; end of input closes the connection.

use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use lsp_server::{Connection, Message};

/// JSON-RPC's error codes for a frame that is not a message.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// The reader and writer threads of [`stdio`].
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads: the writer ends once every sender of the connection is gone.
    /// The reader may still be blocked on standard input after `exit`; it is not waited for
    /// then, and ends with the process.
    pub fn join(self) -> io::Result<()> {
        drop(self.reader);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, IoThreads) {
    let out = Arc::new(Mutex::new(io::stdout()));
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (incoming, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer = {
        let out = Arc::clone(&out);
        thread::spawn(move || {
            for message in outgoing {
                let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
                message.write(&mut *out)?;
            }
            Ok(())
        })
    };
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        let mut stdin = stdin.lock();
        loop {
            let frame = match read_frame(&mut stdin) {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(err) if err.kind() == io::ErrorKind::InvalidData => {
                    write_error(&out, serde_json::Value::Null, PARSE_ERROR, &err.to_string());
                    continue;
                }
                Err(_) => break,
            };
            let message = match parse(&frame) {
                Ok(message) => message,
                Err((id, code, text)) => {
                    write_error(&out, id, code, &text);
                    continue;
                }
            };
            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
            if incoming.send(message).is_err() || exit {
                break;
            }
        }
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, IoThreads { reader, writer })
}

/// One frame's body; `None` at the end of input. A header that is not `Name: value` with
/// CRLF, or no `Content-Length`, is `InvalidData`.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let Some(header) = line.strip_suffix("\r\n") else {
            return Err(invalid(format!("malformed header line {line:?}")));
        };
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid(format!("malformed header line {header:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| invalid(format!("Content-Length `{value}` is not a number")))?,
            );
        }
    }
    let length = length.ok_or_else(|| invalid("a frame without Content-Length".to_string()))?;
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

fn invalid(text: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, text)
}

/// The frame as a message, or the id, code and text of the error to answer it with.
fn parse(frame: &[u8]) -> Result<Message, (serde_json::Value, i32, String)> {
    let value: serde_json::Value = serde_json::from_slice(frame).map_err(|err| {
        (
            serde_json::Value::Null,
            PARSE_ERROR,
            format!("the message is not JSON: {err}"),
        )
    })?;
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value).map_err(|err| {
        (
            id,
            INVALID_REQUEST,
            format!("the message is not a JSON-RPC request, response or notification: {err}"),
        )
    })
}

/// Writes a JSON-RPC error response directly: its id may be `null`, which `lsp_server`'s
/// responses cannot carry.
fn write_error(out: &Mutex<io::Stdout>, id: serde_json::Value, code: i32, text: &str) {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": text },
    })
    .to_string();
    let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_by_their_length_and_bad_headers_are_invalid_data() {
        let mut input = io::Cursor::new(
            b"Content-Length: 2\r\nContent-Type: x\r\n\r\n{}Content-Length 3\r\n".to_vec(),
        );
        assert_eq!(read_frame(&mut input).unwrap(), Some(b"{}".to_vec()));
        let err = read_frame(&mut input).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(read_frame(&mut input).unwrap(), None);
    }

    #[test]
    fn a_frame_that_is_not_a_message_is_an_error_with_its_id() {
        assert_eq!(parse(b"{oops").unwrap_err().1, PARSE_ERROR);
        let (id, code, _) = parse(br#"{"jsonrpc":"2.0","id":7,"params":1}"#).unwrap_err();
        assert_eq!((id, code), (serde_json::json!(7), INVALID_REQUEST));
        assert!(parse(br#"{"jsonrpc":"2.0","method":"exit"}"#).is_ok());
    }
}
