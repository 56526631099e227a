/**
 * Saxo's binary message layout, written the way the streaming server does it: message id (uint64 LE),
 * 2 reserved bytes, reference id length (1 byte), the ASCII reference id, payload format (1 byte: 0
 * JSON), payload size (int32 LE), then the payload. Several messages may share one frame.
 */

export function encodeMessage(messageId: bigint, referenceId: string, payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload), "utf8");
  const reference = Buffer.from(referenceId, "ascii");
  const head = Buffer.alloc(11 + reference.length + 5);
  head.writeBigUInt64LE(messageId, 0);
  head.writeUInt8(reference.length, 10);
  reference.copy(head, 11);
  head.writeUInt8(0, 11 + reference.length);
  head.writeInt32LE(body.length, 12 + reference.length);
  return Buffer.concat([head, body]);
}
