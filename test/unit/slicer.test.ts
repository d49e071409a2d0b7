/**
 * Background work in slices (node/walk.ts, `Slicer`): in the language server, a message whose bytes
 * arrive while a slice runs is handled, and its answer written, before the next slice. The JSON-RPC layer
 * (vscode-jsonrpc) takes several callbacks queued with `setImmediate` between reading the bytes and
 * calling the handler, and more to write the answer, so these tests drive the real library.
 */
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { giveWay, Slicer } from '../../server/src/node/walk';

const frame = (message: object): string => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

/**
 * Runs slices of background work on a server connection; during the third slice a notification's bytes
 * arrive, as from the editor. Returns what happened, in order.
 */
async function slicesWithMessage(server: boolean): Promise<string[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const connection = createProtocolConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const order: string[] = [];
  // Whether a message was handled since the slicer last asked, as the server's lifecycle keeps it (`takeHandled`).
  let handled = false;
  connection.onNotification('test/ping', () => {
    order.push('message handled');
    handled = true;
    void connection.sendNotification('test/pong', {});
  });
  output.once('data', () => order.push('answer written'));
  connection.listen();
  const replied = () => {
    const was = handled;
    handled = false;
    return was;
  };
  const slicer = new Slicer(0, server ? replied : undefined);
  for (let slice = 1; slice <= 5; slice++) {
    order.push(`slice ${slice}`);
    if (slice === 3) {
      // The editor's bytes come in from outside the slice, after it gave its turn away (a pipe is read in
      // the poll phase; a timer that falls due during the slice runs in the same place in the loop).
      setTimeout(() => input.write(frame({ method: 'test/ping', params: {} })), 0);
      const until = performance.now() + 3;
      while (performance.now() < until);
    }
    await slicer.maybeYield();
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  connection.dispose();
  return order;
}

describe('the slices of background work', () => {
  it('in the server, let a message that arrives during a slice be handled and answered before the next slice', async () => {
    const order = await slicesWithMessage(true);
    assert.deepEqual(order, ['slice 1', 'slice 2', 'slice 3', 'message handled', 'answer written', 'slice 4', 'slice 5']);
  });

  it('elsewhere, take one turn of the event loop between slices', async () => {
    const order = await slicesWithMessage(false);
    assert.ok(order.indexOf('message handled') > order.indexOf('slice 4'), order.join(', '));
  });

  it('give the event loop away until a handler has nothing more queued (giveWay)', async () => {
    const order: string[] = [];
    let handled = false;
    const done = giveWay(() => {
      const was = handled;
      handled = false;
      return was;
    }).then(() => order.push('resumed'));
    // A chain as long as the JSON-RPC layer's: three queued callbacks, then a handler, then a write.
    setImmediate(() => setImmediate(() => setImmediate(() => {
      order.push('handled');
      handled = true;
      setImmediate(() => setImmediate(() => order.push('written')));
    })));
    await done;
    assert.deepEqual(order, ['handled', 'written', 'resumed']);
  });
});
