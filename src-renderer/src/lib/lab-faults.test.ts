import { describe, expect, it } from 'vitest';
import type { LabFault } from '../../../src-main/api/lab-types';
import { faultMarks } from './lab-faults';

const fault = (ms: number, kind: LabFault['kind'], target: string): LabFault => ({ ts: ms * 1000, kind, target, detail: '' });

describe('faultMarks', () => {
  it('marks every fault and spans a server down until it starts, the network cut until healed', () => {
    const { lines, spans } = faultMarks([
      fault(10, 'kill', 'server 1'),
      fault(20, 'pause', 'server 2'),
      fault(30, 'cut', 'link 1-3'),
      fault(40, 'isolate-leader', 'server 3'),
      fault(50, 'resume', 'server 2'),
      fault(60, 'heal', 'all links'),
      fault(70, 'start', 'server 1'),
      fault(80, 'stop', 'server 2'),
    ]);
    expect(lines.map((l) => [l.at, l.label])).toEqual([
      [10, 'kill -9 server 1'], [20, 'pause server 2'], [30, 'cut link 1-3'], [40, 'isolate leader server 3'],
      [50, 'resume server 2'], [60, 'heal all links'], [70, 'start server 1'], [80, 'stop server 2'],
    ]);
    expect(spans).toEqual([
      { from: 10, to: 70, label: 'server 1 down' },
      { from: 20, to: 50, label: 'server 2 paused' },
      { from: 30, to: 60, label: 'link 1-3 cut' },
      { from: 40, to: 60, label: 'server 3 partitioned' },
      { from: 80, to: null, label: 'server 2 stopped' },
    ]);
  });

  it('does not end one server\'s outage with another server\'s start', () => {
    const { spans } = faultMarks([fault(1, 'kill', 'server 1'), fault(2, 'start', 'server 2')]);
    expect(spans).toEqual([{ from: 1, to: null, label: 'server 1 down' }]);
  });
});
