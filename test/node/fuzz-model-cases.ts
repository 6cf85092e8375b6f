// Seeded hostile ONNX models for the model fuzz test: external data pointing at a planted canary
// file, weights whose dims lie, wrong element types, missing or odd quantization parameters,
// huge repeated fields, deep subgraph nesting, truncated and bit-flipped protobuf.
import {
  FLOAT,
  INT8,
  UINT8,
  floats,
  graph,
  imageInput,
  modelBytes,
  scoresFrom,
  sparseTensor,
  tensor,
  tinyInt8Model,
  valueInfo,
  type NodeSpec,
  type TensorSpec,
} from '../hostile-onnx.js';

export const CLASSES = 4;
/** The canary's float32 values: scores no honest tiny model here produces. */
export const CANARY_VALUES = [31337.5, -4242.25, 1234.125, 8675.309];

export interface ModelCase {
  kind: string;
  bytes: Uint8Array;
}

const pick = <T>(random: () => number, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('pick() from an empty list');
  return items[Math.floor(random() * items.length)] as T; // in range; T itself may include undefined
};
const int = (random: () => number, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

/** Where a hostile location may point: the canary beside the working directory, by several spellings. */
function location(random: () => number, canaryPath: string): string {
  return pick(random, ['canary.env', './canary.env', 'sub/canary.env', 'sub/../canary.env', canaryPath, '../canary.env', '*/_ORT_MEM_ADDR_/*', '']);
}

const io = () => ({ inputs: [imageInput()], outputs: [valueInfo('output', FLOAT, ['N', CLASSES])] });
const pooledMatMul = (weight: string): NodeSpec[] => [
  { op: 'GlobalAveragePool', input: ['input'], output: ['pooled'] },
  { op: 'Flatten', input: ['pooled'], output: ['flat'] },
  { op: 'MatMul', input: ['flat', weight], output: ['output'] },
];

const zero = () => tensor({ name: 'zero', dims: [], dataType: FLOAT, raw: floats([0]) });

function externalCase(random: () => number, canaryPath: string): ModelCase {
  const where = pick(random, ['initializer', 'constant', 'sparse', 'subgraph', 'data_location', 'offset']);
  const loc = location(random, canaryPath);
  const external: Pick<TensorSpec, 'external' | 'dataLocation'> =
    where === 'data_location'
      ? { dataLocation: int(random, 1, 3) }
      : where === 'offset'
        ? { external: { location: loc, offset: String(4 * int(random, 0, 8)), length: String(4 * CLASSES) } }
        : { external: { location: loc } };
  const leak = (name: string, dims = [1, CLASSES]) => tensor({ name, dims, dataType: FLOAT, ...external });
  let g: ReturnType<typeof graph>;
  switch (where) {
    case 'constant':
      g = graph({
        nodes: [{ op: 'Constant', input: [], output: ['leak'], attrs: [{ name: 'value', t: leak('c') }] }, ...scoresFrom('leak')],
        initializers: [zero()],
        ...io(),
      });
      break;
    case 'sparse': {
      const indices = tensor({ name: 'i', dims: [CLASSES], dataType: 7, int32Data: Array.from({ length: CLASSES }, (_, i) => i) });
      g = graph({
        nodes: scoresFrom('leak'),
        initializers: [zero()],
        sparseInitializers: [sparseTensor(leak('leak', [CLASSES]), indices, [1, CLASSES])],
        ...io(),
      });
      break;
    }
    case 'subgraph': {
      const branch = (out: string) =>
        graph({ nodes: [{ op: 'Identity', input: ['deep'], output: [out] }], initializers: [leak('deep')], outputs: [valueInfo(out, FLOAT)] });
      g = graph({
        nodes: [
          { op: 'Constant', input: [], output: ['cond'], attrs: [{ name: 'value', t: tensor({ name: 'b', dims: [], dataType: 9, int32Data: [1] }) }] },
          {
            op: 'If',
            input: ['cond'],
            output: ['leak'],
            attrs: [
              { name: 'then_branch', g: branch('t') },
              { name: 'else_branch', g: branch('e') },
            ],
          },
          ...scoresFrom('leak'),
        ],
        initializers: [zero()],
        ...io(),
      });
      break;
    }
    default:
      g = graph({ nodes: scoresFrom('leak'), initializers: [zero(), leak('leak')], ...io() });
  }
  return { kind: `external data (${where}, "${loc}")`, bytes: modelBytes(g, 11) };
}

function weightCase(random: () => number): ModelCase {
  const dims = pick(random, [
    [3, CLASSES],
    [int(random, -5, 5), CLASSES],
    [16_000, 10_000],
    [2n ** BigInt(int(random, 31, 63)), 3n],
    [],
    Array.from({ length: int(random, 3, 12) }, () => int(random, 0, 4)),
  ]);
  const dataType = pick(random, [INT8, UINT8, FLOAT, 6, 7, 10, 16, 0, 99]);
  const rawLength = pick(random, [12, 0, int(random, 1, 64), 48]);
  const W = pick(random, [
    tensor({ name: 'W', dims, dataType, raw: new Uint8Array(rawLength).map(() => int(random, 0, 255)) }),
    tensor({ name: 'W', dims, dataType, int32Data: Array.from({ length: int(random, 0, 16) }, () => int(random, -500, 500)) }),
    tensor({ name: 'W', dims, dataType, floatData: Array.from({ length: int(random, 0, 16) }, () => random() * 10) }),
    tensor({ name: 'W', dims, dataType }),
  ]);
  const scale = pick(random, [
    undefined,
    tensor({ name: 'W_scale', dims: [], dataType: FLOAT, raw: floats([pick(random, [0.1, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e38])]) }),
    tensor({
      name: 'W_scale',
      dims: [int(random, 0, 6)],
      dataType: pick(random, [FLOAT, INT8]),
      raw: floats([0.5, 0.25, 2, 1, 3, 4].slice(0, int(random, 0, 6))),
    }),
  ]);
  const zp = pick(random, [
    undefined,
    null,
    tensor({ name: 'W_zp', dims: [], dataType: pick(random, [INT8, UINT8, FLOAT, 6]), raw: new Uint8Array(int(random, 0, 4)) }),
    tensor({ name: 'W_zp', dims: [int(random, 0, 6)], dataType: INT8, int32Data: Array.from({ length: int(random, 0, 6) }, () => int(random, -300, 300)) }),
  ]);
  return { kind: `weights (dims [${dims.join(', ')}], type ${dataType})`, bytes: tinyInt8Model({ W, W_scale: scale, W_zp: zp }) };
}

function repeatedCase(random: () => number): ModelCase {
  const n = int(random, 1_000, 50_000);
  const what = pick(random, ['dims', 'inputs', 'nodes', 'outputs']);
  const W = tensor({
    name: 'W',
    dims: what === 'dims' ? Array.from({ length: n }, () => 1) : [3, CLASSES],
    dataType: FLOAT,
    raw: floats(Array.from({ length: 12 }, (_, i) => i)),
  });
  const nodes: NodeSpec[] = pooledMatMul('W');
  if (what === 'inputs') nodes.push({ op: 'Sum', input: Array.from({ length: n }, () => 'flat'), output: ['sum'] });
  if (what === 'nodes') for (let i = 0; i < n / 10; i++) nodes.push({ op: 'Identity', input: ['flat'], output: [`copy${i}`] });
  const outputs = what === 'outputs' ? Array.from({ length: n / 10 }, (_, i) => valueInfo(`out${i}`, FLOAT)) : [];
  return {
    kind: `huge repeated ${what} (${n})`,
    bytes: modelBytes(graph({ nodes, initializers: [W], inputs: [imageInput()], outputs: [valueInfo('output', FLOAT, ['N', CLASSES]), ...outputs] })),
  };
}

/** A chain of If nodes `depth` deep, or (`bushy`) a tree whose both branches nest: 2^depth subgraphs. */
function nestedCase(random: () => number): ModelCase {
  const bushy = random() < 0.3;
  const depth = bushy ? int(random, 8, 14) : int(random, 1, 120);
  const leaf = (name: string) => graph({ nodes: [{ op: 'Identity', input: ['input'], output: [name] }], outputs: [valueInfo(name, FLOAT)] });
  let inner = leaf('y0');
  for (let d = 1; d < depth; d++) {
    const other = bushy ? inner : leaf(`z${d}`);
    inner = graph({
      nodes: [
        {
          op: 'If',
          input: ['cond'],
          output: [`y${d}`],
          attrs: [
            { name: 'then_branch', g: inner },
            { name: 'else_branch', g: other },
          ],
        },
      ],
      outputs: [valueInfo(`y${d}`, FLOAT)],
    });
  }
  const bytes = modelBytes(
    graph({
      nodes: [
        { op: 'Constant', input: [], output: ['cond'], attrs: [{ name: 'value', t: tensor({ name: 'b', dims: [], dataType: 9, int32Data: [1] }) }] },
        {
          op: 'If',
          input: ['cond'],
          output: ['x'],
          attrs: [
            { name: 'then_branch', g: inner },
            { name: 'else_branch', g: inner },
          ],
        },
        ...pooledMatMul('W'),
      ],
      initializers: [tensor({ name: 'W', dims: [3, CLASSES], dataType: FLOAT, raw: floats(Array.from({ length: 12 }, (_, i) => i)) })],
      ...io(),
    }),
  );
  return { kind: `nested subgraphs (depth ${depth}${bushy ? ', both branches' : ''})`, bytes };
}

function damagedCase(random: () => number): ModelCase {
  const base =
    random() < 0.5
      ? tinyInt8Model()
      : modelBytes(
          graph({
            nodes: pooledMatMul('W'),
            initializers: [tensor({ name: 'W', dims: [3, CLASSES], dataType: FLOAT, raw: floats(Array.from({ length: 12 }, (_, i) => i)) })],
            ...io(),
          }),
        );
  if (random() < 0.5) {
    const at = int(random, 0, base.length - 1);
    return { kind: `truncated at ${at} of ${base.length}`, bytes: base.subarray(0, at) };
  }
  const flipped = base.slice();
  const flips = int(random, 1, 8);
  for (let i = 0; i < flips; i++) flipped[int(random, 0, flipped.length - 1)]! ^= 1 << int(random, 0, 7);
  return { kind: `${flips} bit flips`, bytes: flipped };
}

function wrongTypeCase(random: () => number): ModelCase {
  const elem = pick(random, [0, 2, 3, 6, 7, 9, 10, 11, 16, 99]);
  const bytes = modelBytes(
    graph({
      nodes: pooledMatMul('W'),
      initializers: [tensor({ name: 'W', dims: [3, CLASSES], dataType: FLOAT, raw: floats(Array.from({ length: 12 }, (_, i) => i)) })],
      inputs: [random() < 0.5 ? valueInfo('input', elem, ['N', 3, 224, 224]) : imageInput()],
      outputs: [valueInfo('output', random() < 0.5 ? elem : FLOAT, ['N', CLASSES])],
    }),
  );
  return { kind: `element type ${elem}`, bytes };
}

/** Case `i` of a seeded run; `canaryPath` is the planted file a leak would read. */
export function makeModelCase(random: () => number, canaryPath: string): ModelCase {
  const make = pick(random, [externalCase, externalCase, weightCase, weightCase, repeatedCase, nestedCase, damagedCase, wrongTypeCase]);
  return make(random, canaryPath);
}
