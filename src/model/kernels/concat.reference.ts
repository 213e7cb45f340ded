/**
 * Executable spec of MolConcatChannels and MolShiftSlots (plain copies, so the references are exact):
 *   concatChannels([x0, x1, ...]) = NHWC concat along C (every input [N, H, W, Ci]);
 *   shiftSlots(ring [S, H, W, C], [a0, ...]) = concat along the first axis of ring[A..S-1] and the A inputs
 *   [1, H, W, C]: the ring drops its oldest A slots and appends the new ones (the streaming MER input).
 */
export function concatChannelsReference(xs: readonly Float32Array[], pixels: number, channels: readonly number[]): Float32Array {
  const total = channels.reduce((a, b) => a + b, 0);
  const out = new Float32Array(pixels * total);
  for (let px = 0; px < pixels; px++) {
    let o = px * total;
    xs.forEach((x, i) => {
      const c = channels[i];
      out.set(x.subarray(px * c, (px + 1) * c), o);
      o += c;
    });
  }
  return out;
}

export function shiftSlotsReference(ring: Float32Array, slots: number, adds: readonly Float32Array[]): Float32Array {
  const slot = ring.length / slots;
  const out = new Float32Array(ring.length);
  out.set(ring.subarray(adds.length * slot));
  adds.forEach((a, i) => out.set(a, (slots - adds.length + i) * slot));
  return out;
}
