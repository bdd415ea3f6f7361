/** CRC16-CCITT (XMODEM) lookup table, the checksum Redis Cluster maps keys to slots with. */
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

/**
 * The Redis Cluster hash slot of `key` (0–16383): CRC16 of its hash tag (the
 * text between the first `{` and the next `}`, when not empty), else of the
 * whole key, modulo 16384. Computed here so that grouping queues by node needs
 * no round trip (CLUSTER KEYSLOT) and no extra ACL rule.
 */
export function hashSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed, 'utf8')) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % 16384;
}
