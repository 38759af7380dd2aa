# Usage: python3 tools/profile/thread_time.py trace.speedscope.json  (from dotnet-trace collect --format Speedscope)
# Thread-time samples of a dotnet-trace speedscope file (the EventPipe sampler takes every managed thread, running
# or not): idle waits, GC suspension and spinning set apart; the rest ("work") broken down by group and frame.
import json, sys, collections, re
d = json.load(open(sys.argv[1]))
frames = [f['name'] for f in d['shared']['frames']]
IDLE = ['WorkerThreadStart', 'RunFinalizers', 'WaitOneNoCheck', 'LowLevelLifoSemaphore.WaitNative', 'Monitor.Wait', 'Thread.Sleep',
        'WaitHandle.Wait', 'SocketAsyncEngine.EventLoop', 'Interop+Sys.WaitForSocketEvents', 'TimerQueue', 'ThreadPoolWaitOrTimer', 'LowLevelMonitor',
        'WaitForSignal', 'epoll', 'Interop+Sys.Read(', 'WaitSubsystem']
cls = collections.Counter(); work_groups = collections.Counter(); work_excl = collections.Counter(); work_incl = collections.Counter(); total = 0
def group(names):
    rules = [('Akka.Persistence.Sql', 'Akka.Persistence.Sql'), ('LinqToDB', 'linq2db'), ('Microsoft.Data.Sqlite', 'SQLite'), ('SQLitePCL', 'SQLite'),
             ('Npgsql', 'Npgsql'), ('Akka.Cluster.Sharding', 'Akka sharding'), ('Akka.Persistence', 'Akka.Persistence'), ('Akka.Streams', 'Akka.Streams'),
             ('Akka.Remote', 'Akka.Remote'), ('Akka.', 'Akka (other)'), ('System.Text.Json', 'System.Text.Json'), ('System.Net', 'System.Net (sockets: Kinesis calls, HTTP served)'),
             ('Prometheus', 'prometheus-net'), ('Microsoft.AspNetCore', 'ASP.NET Core')]
    for n in reversed(names):
        m = re.match(r'Basketball\.(\w+)!', n)
        if m: return 'Basketball.' + m.group(1)
        for key, g in rules:
            if n.startswith(key): return g
    return 'runtime/other'
def samples(p):
    if p['type'] != 'evented':
        for s, w in zip(p['samples'], p['weights']): yield s, w
        return
    stack = []; last = None
    for ev in p['events']:
        if last is not None and stack and ev['at'] > last: yield list(stack), ev['at'] - last
        last = ev['at']
        if ev['type'] == 'O': stack.append(ev['frame'])
        else: stack.pop()
for p in d['profiles']:
    for s, w in samples(p):
        names = [frames[i] for i in s]
        if not names or 'CPU_TIME' not in names[-1]: continue
        names = names[:-1]
        total += w
        leaf = names[-1] if names else '?'
        if 'PollGC' in leaf or 'SuspendEE' in leaf: cls['GC: threads stopped for a collection'] += w; continue
        if 'LowLevelSpinWaiter' in leaf or 'SpinWait' in leaf: cls['spinning (thread pool, locks)'] += w; continue
        # A native leaf ("?!?") is attributed to its managed caller: the socket engine's epoll wait is idle, a send is work.
        waiting = leaf if leaf != '?!?' or len(names) < 2 else names[-2]
        if any(k in waiting for k in IDLE): cls['idle (waiting for work or I/O)'] += w; continue
        cls['work'] += w
        work_groups[group(names)] += w; work_excl[leaf] += w
        for n in set(names): work_incl[n] += w
print(f'threads sampled: {total:.0f} ms')
for k, v in cls.most_common(): print(f'{100*v/total:6.1f}% {k}')
work = cls['work']
print('--- work by group (innermost recognised frame), % of work ---')
for k, v in work_groups.most_common(25): print(f'{100*v/work:6.1f}% {k}')
print('--- work, exclusive frames ---')
for k, v in work_excl.most_common(25): print(f'{100*v/work:6.1f}% {k[:140]}')
print('--- work, inclusive Basketball frames ---')
for k, v in [kv for kv in work_incl.most_common(600) if 'Basketball' in kv[0] and 'MoveNext' not in kv[0]][:40]: print(f'{100*v/work:6.1f}% {k[:150]}')
