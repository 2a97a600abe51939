#!/usr/bin/env python3
"""Start-up and idle-memory benchmark: the native AOT binary against the same agent run on the
JIT (`dotnet occi-agent.dll`) as the baseline, measured in the same run.

Usage: bench/startup.py AOT_BINARY JIT_DLL [runs]
Measures exec -> first HTTP 200 on /-/ (with the admin token the agent writes at its first
start, so the time includes making it) and VmRSS one second later, each run on a fresh state dir
on a loopback port, and prints medians and the AOT/JIT ratios."""
import shutil, statistics, subprocess, sys, tempfile, time, urllib.request

def measure(cmd, runs, port0):
    times, rss = [], []
    for i in range(runs):
        state = tempfile.mkdtemp(prefix="occi-bench-")
        port = port0 + i
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd + ["--listen", f"http://127.0.0.1:{port}", "--state-dir", state + "/var"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = t0 + 30
            while True:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{cmd[0]} did not answer within 30 s")
                try:
                    with open(state + "/var/admin.token") as f:
                        token = f.read().strip()
                    req = urllib.request.Request(f"http://127.0.0.1:{port}/-/", headers={"Authorization": f"Bearer {token}"})
                    with urllib.request.urlopen(req, timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.001)
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(1.0)
            with open(f"/proc/{p.pid}/status") as f:
                rss.append(next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024)
        finally:
            p.terminate()
            p.wait()
            shutil.rmtree(state, ignore_errors=True)
    return statistics.median(times), statistics.median(rss)

def main():
    aot, jit = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    a_t, a_m = measure([aot], runs, 31000)
    j_t, j_m = measure(["dotnet", jit], runs, 32000)
    print(f"startup exec->first 200 on /-/ (median of {runs}): AOT {a_t:.1f} ms, JIT {j_t:.1f} ms, ratio AOT/JIT {a_t / j_t:.2f}")
    print(f"idle RSS (median of {runs}): AOT {a_m:.1f} MiB, JIT {j_m:.1f} MiB, ratio AOT/JIT {a_m / j_m:.2f}")

if __name__ == "__main__":
    main()
