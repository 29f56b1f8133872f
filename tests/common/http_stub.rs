//! A one-shot HTTP server on a free loopback port: it answers each request with the next of
//! its `answers` (status line, JSON body) and gives back the requests it got. Shared by the
//! Connect and Streams unit tests (included with `#[path]`) and the render tests.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves `answers` in order, one connection each; the task ends after the last with the
/// requests (request line, headers and body).
pub async fn serve(answers: Vec<(&'static str, String)>) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut got = Vec::new();
        for (status, body) in answers {
            let (mut s, _) = listener.accept().await.unwrap();
            let req = read_request(&mut s).await;
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.write_all(answer.as_bytes()).await.unwrap();
            got.push(req);
        }
        got
    });
    (url, task)
}

/// Headers, then the body if Content-Length (any case) says there is one.
async fn read_request(s: &mut tokio::net::TcpStream) -> String {
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).await.unwrap();
        req.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&req);
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length").then_some(v)
                })
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if req.len() >= end + 4 + len {
                break;
            }
        }
        if n == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&req).into_owned()
}
