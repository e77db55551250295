/**
 * How many leading bytes of `bytes` form complete UTF-8 characters: a multi-byte character cut
 * at the end is left for the next read, so no chunk's text ends in half a character.
 */
export const completeUtf8Length = (bytes: Uint8Array): number => {
  const length = bytes.length;
  // A UTF-8 character is at most 4 bytes: only the last 3 can belong to an unfinished one.
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
};
