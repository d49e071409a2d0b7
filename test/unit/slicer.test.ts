/**
 * Background work in slices (node/walk.ts, `Slicer`): in the language server, a message read while a slice
 * ran is handled, and its answer written, before the next slice (the JSON-RPC layer queues both with
 * `setImmediate`, behind the slice's own turn).
 */
import * as assert from 'node:assert/strict';
import { Slicer } from '../../server/src/node/walk';

/** The order of a slice's resumption and of a message handled as the JSON-RPC layer does it. */
async function orderWith(server: boolean): Promise<string[]> {
  const order: string[] = [];
  let answered = false;
  const replied = () => {
    const was = answered;
    answered = false;
    return was;
  };
  const slicer = new Slicer(0, server ? replied : undefined);
  const resumed = slicer.maybeYield();
  // A message read during the slice: handled in a callback queued after the slice's own, and its answer
  // written in one queued by the handler.
  setImmediate(() => {
    order.push('message handled');
    answered = true;
    setImmediate(() => order.push('answer written'));
  });
  await resumed;
  order.push('slice resumed');
  await new Promise((resolve) => setTimeout(resolve, 10));
  return order;
}

describe('the slices of background work', () => {
  it('in the server, let a message read during a slice be handled and answered before the next slice', async () => {
    assert.deepEqual(await orderWith(true), ['message handled', 'answer written', 'slice resumed']);
  });

  it('elsewhere, take one turn of the event loop', async () => {
    assert.deepEqual(await orderWith(false), ['slice resumed', 'message handled', 'answer written']);
  });
});
