//! Streaming response bodies read from object files.
//!
//! GETs of multi-gigabyte job outputs must not be buffered in memory, and the
//! response must advertise its exact length (clients verify Content-Length),
//! so the body is a byte stream over a byte range of the open file that knows
//! how much is left.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use s3s::stream::{ByteStream, RemainingLength};
use s3s::StdError;
use tokio::io::{AsyncRead, ReadBuf};

const CHUNK: usize = 64 * 1024;

/// Yields exactly `remaining` bytes from the file's current position.
pub(crate) struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
    buf: Box<[u8]>,
}

impl FileBody {
    /// `file` must already be positioned at the first byte to send.
    pub(crate) fn new(file: tokio::fs::File, len: u64) -> Self {
        FileBody { file, remaining: len, buf: vec![0u8; CHUNK].into_boxed_slice() }
    }
}

impl Stream for FileBody {
    type Item = Result<Bytes, StdError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(this.remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let mut read_buf = ReadBuf::new(&mut this.buf[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read_buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => {
                this.remaining = 0;
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(Ok(())) => {
                let filled = read_buf.filled();
                if filled.is_empty() {
                    // The file was truncated after Content-Length was sent; an
                    // error aborts the connection so the client sees a short body.
                    this.remaining = 0;
                    let e = io::Error::new(io::ErrorKind::UnexpectedEof, "object file shrank while being read");
                    return Poll::Ready(Some(Err(Box::new(e))));
                }
                this.remaining -= filled.len() as u64;
                Poll::Ready(Some(Ok(Bytes::copy_from_slice(filled))))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

impl ByteStream for FileBody {
    fn remaining_length(&self) -> RemainingLength {
        usize::try_from(self.remaining).map_or_else(|_| RemainingLength::unknown(), RemainingLength::new_exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use tokio::io::AsyncSeekExt;

    async fn read_range(data: &[u8], start: u64, len: u64) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, data).unwrap();
        let mut file = tokio::fs::File::open(&path).await.unwrap();
        file.seek(io::SeekFrom::Start(start)).await.unwrap();
        let mut body = FileBody::new(file, len);
        assert_eq!(body.remaining_length().exact(), usize::try_from(len).ok());
        let mut out = Vec::new();
        while let Some(chunk) = body.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn streams_exact_ranges() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(read_range(&data, 0, data.len() as u64).await, data);
        assert_eq!(read_range(&data, 70_000, 100_001).await, &data[70_000..170_001]);
        assert!(read_range(&data, 5, 0).await.is_empty());
    }

    #[tokio::test]
    async fn truncated_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let file = tokio::fs::File::open(&path).await.unwrap();
        let mut body = FileBody::new(file, 10);
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"abc");
        assert!(body.next().await.unwrap().is_err());
    }
}
