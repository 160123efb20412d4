import fc from 'fast-check';
import { deepStrictEqual } from 'node:assert/strict';
import t from 'tap';
import { StreamingJsonReader, walkValue, type Shape, type StreamSink } from '../../src/lib/json-stream.js';
import { propertyParameters } from '../helpers/property.js';

// The streaming reader delivers a document's parts exactly as the walker delivers the same
// document from memory, however the text is cut into chunks, and refuses what is not JSON.

const SHAPE: Shape = { items: { children: 'leaf' }, flat: 'leaf' };

function recorder(): { sink: StreamSink; events: unknown[] } {
  const events: unknown[] = [];
  return {
    events,
    sink: {
      element: (path, value) => events.push(['element', path, value]),
      container: (path, value) => events.push(['container', path, value]),
    },
  };
}

function readInChunks(text: string, cuts: number[]): unknown[] {
  const { sink, events } = recorder();
  const reader = new StreamingJsonReader(SHAPE, sink);
  const bytes = Buffer.from(text);
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    reader.write(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  reader.write(bytes.subarray(from));
  reader.end();
  return events;
}

const json = fc.jsonValue({ maxDepth: 3 });
const documents = fc.oneof(
  fc.record(
    {
      items: fc.array(fc.oneof(fc.record({ children: fc.array(json), other: json }, { requiredKeys: [] }), json)),
      flat: fc.array(json),
      rest: json,
    },
    { requiredKeys: [] },
  ),
  json,
);

t.test('streamed text and the value in memory give the same parts, whatever the chunks', async (t) => {
  fc.assert(
    fc.property(documents, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (document, cuts, pretty) => {
      const { sink, events } = recorder();
      walkValue(document, SHAPE, sink);
      const text = JSON.stringify(document, null, pretty ? 2 : undefined);
      deepStrictEqual(readInChunks(text, cuts), JSON.parse(JSON.stringify(events)));
    }),
    propertyParameters(400),
  );
  t.pass('400 documents');
});

t.test('text that is not one JSON value is refused with where it went wrong', async (t) => {
  const refusals: [string, RegExp][] = [
    ['{"items": [1,]}', /unexpected "\]" at byte 13/],
    ['{"a" 1}', /unexpected "1" at byte 5/],
    ['{"a":1}}', /unexpected "}" at byte 7/],
    ['{"a":1', /unexpected end/],
    ['', /unexpected end/],
    ['{"flat": [tru]}', /in the value at byte 10/],
    ['{"items": [{"children": ["a\\"]}]}', /unexpected end/],
  ];
  for (const [text, message] of refusals) t.throws(() => readInChunks(text, []), { message }, JSON.stringify(text));
  t.same(readInChunks(' 42 ', []), [['container', [], 42]], 'a scalar document');
});
