"""Reads `perf script -F comm,tid,cpu,time,event,trace` of f-latency-segments.sh's tracepoints on
stdin and splits each message's end-to-end time into: the producer's send of its 1,024-byte
body -> the broker loop's read of the publish -> the loop's write of the 1,118-byte delivery ->
the consumer's read of it. Prints percentiles of each segment, and for the slowest 2% of
messages the mean of each segment and who ran on the consumer's core just before it."""
import collections
import re
import statistics
import sys

LINE = re.compile(r'^\s*(\S.*?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$')
BODY_SEND = 'len: 0x00000408'  # amqp-perf sends the 1,024-byte body in its own sendto

events = []
for line in sys.stdin:
    match = LINE.match(line)
    if not match or line.lstrip().startswith('perf '):
        continue
    comm, tid, cpu, time, event, rest = match.groups()
    events.append((float(time) * 1e6, comm, int(tid), int(cpu), event, rest.strip()))

# A delivery (basic.deliver, header and body frames) is the loop's most common write of more
# than 1,024 bytes; its size depends on the queue's name and the consumer tag.
loop = next((tid for _, comm, tid, _, _, _ in events if comm.startswith('NIO-ELT')), None)
sizes = collections.Counter(int(rest.split('count: ')[1].split(',')[0], 16) for _, _, tid, _, event, rest in events
                            if tid == loop and event == 'syscalls:sys_enter_write')
delivery = max((size for size in sizes if size > 1024), key=lambda size: sizes[size], default=None)
DELIVERY_WRITE = 'count: 0x%08x' % delivery if delivery else None
DELIVERY_READ = '0x%x' % delivery if delivery else None
producer = consumer = None
for _, comm, tid, _, event, rest in events:
    if event == 'syscalls:sys_enter_sendto' and BODY_SEND in rest:
        producer = tid
    elif event == 'syscalls:sys_exit_recvfrom' and rest == DELIVERY_READ:
        consumer = tid
if None in (producer, consumer, loop):
    sys.exit('no complete message in the trace (producer %s, consumer %s, loop %s)' % (producer, consumer, loop))

messages, current = [], None
for time, comm, tid, cpu, event, rest in events:
    if tid == producer and event == 'syscalls:sys_enter_sendto' and BODY_SEND in rest:
        current = {'send': time}
        messages.append(current)
    elif current is None:
        continue
    elif tid == loop and event == 'syscalls:sys_exit_read' and 'read' not in current:
        current['read'] = time
    elif tid == loop and event == 'syscalls:sys_enter_write' and DELIVERY_WRITE in rest and 'write' not in current:
        current['write'] = time
    elif 'write' in current and event == 'sched:sched_switch' and f'next_pid={consumer} ' in rest and 'ran' not in current:
        current['ran'] = rest.split('prev_comm=')[1].split()[0]
    elif 'write' in current and tid == consumer and event == 'syscalls:sys_exit_recvfrom' and rest == DELIVERY_READ \
            and 'recv' not in current:
        current['recv'] = time

complete = [m for m in messages if all(k in m for k in ('send', 'read', 'write', 'recv'))]
segments = [{'send -> read': m['read'] - m['send'], 'read -> write': m['write'] - m['read'],
             'write -> recv': m['recv'] - m['write'], 'total': m['recv'] - m['send']} for m in complete]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


print(f'{len(complete)} of {len(messages)} messages traced whole (us)')
for name in ('send -> read', 'read -> write', 'write -> recv', 'total'):
    values = [s[name] for s in segments]
    print(f'  {name:14} p50 {percentile(values, .5):6.1f}  p90 {percentile(values, .9):6.1f}  p99 {percentile(values, .99):6.1f}')
threshold = percentile([s['total'] for s in segments], .98)
tail = [(m, s) for m, s in zip(complete, segments) if s['total'] >= threshold]
print(f'slowest 2% (total >= {threshold:.0f} us, {len(tail)} messages), mean of each segment:')
for name in ('send -> read', 'read -> write', 'write -> recv'):
    print(f'  {name:14} {statistics.mean(s[name] for _, s in tail):6.1f}')
print('  ran on the consumer\'s core just before it:', collections.Counter(m.get('ran') for m, _ in tail).most_common(4))
