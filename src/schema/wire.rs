//! The Confluent wire format: magic byte 0, the schema id as 4 big-endian bytes, then (for
//! Protobuf only) the message-index list, then the payload. Pure byte handling: any input is
//! safe, nothing here allocates more than the input's own length.

/// The first byte of a record in the wire format.
pub const MAGIC: u8 = 0;
/// Magic byte + schema id.
pub const HEADER_LEN: usize = 5;
/// Deeper than any real nesting of Protobuf messages; a longer list is taken as garbage rather
/// than allocated.
pub const MAX_MESSAGE_INDEXES: usize = 100;

/// A record (key or value) that starts like the wire format: the schema id and where the rest
/// begins. Whether the rest is really Avro/Protobuf/JSON only the schema can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'a> {
    pub schema_id: u32,
    /// Everything after the 5-byte header (for Protobuf, the message indexes come first).
    pub rest: &'a [u8],
}

/// `Some` when `bytes` starts with the magic byte and has a schema id. One byte of payload is
/// not required: an Avro record of only null fields (or an empty Protobuf message, encoded as
/// the single index 0) can be that short.
pub fn parse(bytes: &[u8]) -> Option<Framed<'_>> {
    if bytes.len() < HEADER_LEN || bytes[0] != MAGIC {
        return None;
    }
    let schema_id = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    Some(Framed {
        schema_id,
        rest: &bytes[HEADER_LEN..],
    })
}

/// The header for `schema_id`, followed by nothing.
pub fn header(schema_id: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + 64);
    out.push(MAGIC);
    out.extend_from_slice(&schema_id.to_be_bytes());
    out
}

/// Why the message-index list of a Protobuf record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("the message-index list is cut short")]
    Truncated,
    #[error("the message-index list has a varint longer than 10 bytes")]
    VarintTooLong,
    #[error(
        "the message-index list says {0} entries (negative or more than {MAX_MESSAGE_INDEXES})"
    )]
    BadCount(i64),
    #[error("the message-index list has a negative or oversized index {0}")]
    BadIndex(i64),
}

/// Reads the Protobuf message-index list at the start of `rest`: zig-zag varints, a count then
/// that many indexes; a count of 0 is the shortcut for `[0]` (the first message of the file).
/// Returns the path of indexes (top-level message, then nested ones) and the payload after it.
pub fn message_indexes(rest: &[u8]) -> Result<(Vec<usize>, &[u8]), IndexError> {
    let mut pos = 0;
    let count = read_zigzag(rest, &mut pos)?;
    if count == 0 {
        return Ok((vec![0], &rest[pos..]));
    }
    if count < 0 || count as u64 > MAX_MESSAGE_INDEXES as u64 {
        return Err(IndexError::BadCount(count));
    }
    let mut path = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let i = read_zigzag(rest, &mut pos)?;
        if i < 0 || i > i64::from(i32::MAX) {
            return Err(IndexError::BadIndex(i));
        }
        path.push(i as usize);
    }
    Ok((path, &rest[pos..]))
}

/// Writes the message-index list for `path` (`[0]` as the single byte 0, as the Confluent
/// serializers do).
pub fn write_message_indexes(out: &mut Vec<u8>, path: &[usize]) {
    if path == [0] {
        out.push(0);
        return;
    }
    write_zigzag(out, path.len() as i64);
    for &i in path {
        write_zigzag(out, i as i64);
    }
}

fn read_zigzag(bytes: &[u8], pos: &mut usize) -> Result<i64, IndexError> {
    let mut value: u64 = 0;
    for shift in 0..10 {
        let Some(&b) = bytes.get(*pos) else {
            return Err(IndexError::Truncated);
        };
        *pos += 1;
        value |= u64::from(b & 0x7f) << (7 * shift);
        if b & 0x80 == 0 {
            return Ok(((value >> 1) as i64) ^ -((value & 1) as i64));
        }
    }
    Err(IndexError::VarintTooLong)
}

fn write_zigzag(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn header_is_magic_and_big_endian_id() {
        let f = parse(&[0, 0, 0, 1, 2, 9, 9]).unwrap();
        assert_eq!(f.schema_id, 258);
        assert_eq!(f.rest, &[9, 9]);
        assert_eq!(header(258), vec![0, 0, 0, 1, 2]);
        assert_eq!(parse(&[0, 0, 0, 0, 7]).unwrap().rest, &[] as &[u8]);
    }

    #[test]
    fn not_the_wire_format() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(&[0, 0, 0, 1]), None, "too short for an id");
        assert_eq!(parse(b"{\"a\":1}"), None, "JSON text");
        assert_eq!(parse(&[1, 0, 0, 0, 1, 2]), None, "another magic byte");
    }

    #[test]
    fn message_index_shortcut_and_lists() {
        assert_eq!(message_indexes(&[0, 42]).unwrap(), (vec![0], &[42u8][..]));
        // [1]: count 1 (zig-zag 2), index 1 (zig-zag 2)
        assert_eq!(message_indexes(&[2, 2, 7]).unwrap(), (vec![1], &[7u8][..]));
        // [0, 2]: count 2 (4), 0 (0), 2 (4)
        assert_eq!(message_indexes(&[4, 0, 4]).unwrap(), (vec![0, 2], &[][..]));
        // 200 as a zig-zag varint: 400 = 0x190 -> 0x90 0x03
        assert_eq!(message_indexes(&[2, 0x90, 0x03]).unwrap().0, vec![200]);
    }

    #[test]
    fn message_index_errors() {
        assert_eq!(message_indexes(&[]), Err(IndexError::Truncated));
        assert_eq!(message_indexes(&[4, 0]), Err(IndexError::Truncated));
        assert_eq!(message_indexes(&[1]), Err(IndexError::BadCount(-1)));
        assert_eq!(message_indexes(&[2, 1]), Err(IndexError::BadIndex(-1)));
        assert_eq!(message_indexes(&[0xff; 11]), Err(IndexError::VarintTooLong));
        assert_eq!(
            message_indexes(&[0xfe, 0x7f]),
            Err(IndexError::BadCount(8191))
        );
    }

    proptest! {
        #[test]
        fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Some(f) = parse(&bytes) {
                prop_assert_eq!(f.rest.len() + HEADER_LEN, bytes.len());
                if let Ok((path, payload)) = message_indexes(f.rest) {
                    prop_assert!(path.len() <= MAX_MESSAGE_INDEXES);
                    prop_assert!(payload.len() <= f.rest.len());
                }
            }
        }

        #[test]
        fn message_indexes_round_trip(path in proptest::collection::vec(0usize..100_000, 1..8),
                                      tail in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut out = Vec::new();
            write_message_indexes(&mut out, &path);
            out.extend_from_slice(&tail);
            let (read, rest) = message_indexes(&out).unwrap();
            prop_assert_eq!(read, path);
            prop_assert_eq!(rest, &tail[..]);
        }
    }
}
