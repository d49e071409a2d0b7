/**
 * Background work in slices (node/walk.ts, `Slicer`): when a handler answered something while a slice
 * waited, the answer, which the JSON-RPC writer queues with `setImmediate`, goes out before the next slice.
 */
import * as assert from 'node:assert/strict';
import { Slicer } from '../../server/src/node/walk';

/** The order of two slices and an answer queued, as a handler would, between the first slice's end and the next. */
async function orderWith(replied: (() => boolean) | undefined, answered: { value: boolean }): Promise<string[]> {
  const order: string[] = [];
  const slicer = new Slicer(0, replied);
  const first = slicer.maybeYield();
  // A message handled in the same turn as the slice resumes: its answer is written one turn later.
  setImmediate(() => {
    answered.value = true;
    setImmediate(() => order.push('answer written'));
  });
  await first;
  order.push('slice 1');
  await slicer.maybeYield();
  order.push('slice 2');
  await new Promise((resolve) => setTimeout(resolve, 10));
  return order;
}

describe('the slices of background work', () => {
  it('let an answer queued while a slice waited out before the next slice', async () => {
    const answered = { value: false };
    const replied = () => {
      const was = answered.value;
      answered.value = false;
      return was;
    };
    assert.deepEqual(await orderWith(replied, answered), ['slice 1', 'answer written', 'slice 2']);
  });

  it('run back to back when nothing was answered', async () => {
    assert.deepEqual(await orderWith(undefined, { value: false }), ['slice 1', 'slice 2', 'answer written']);
  });
});
