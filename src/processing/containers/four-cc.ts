/** A chunk or box type as the big-endian number of its four letters, compared without a string. */
export function fourCc(name: string): number {
  return Buffer.from(name, 'latin1').readUInt32BE(0);
}

/** The four letters of a type, quoted, for messages. */
export function fourCcName(type: number): string {
  const letters = Buffer.alloc(4);
  letters.writeUInt32BE(type >>> 0);
  return JSON.stringify(letters.toString('latin1'));
}
