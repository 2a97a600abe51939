#!/usr/bin/env python3
"""Requests at every limit of README "Limits" against the native agent, each timed against a
minimal request of the same kind in the same run (the baseline), then the memory of a burst:
32 parallel maximum-size requests, peak VmRSS, and VmRSS once the agent is idle again.

Usage: bench/limits.py AGENT_BINARY [runs]
Starts the agent on a fresh state dir on a loopback port; sends the bearer token of
<stateDir>/admin.token when the agent wrote one."""
import http.client, json, os, shutil, statistics, subprocess, sys, tempfile, threading, time

INFRA = "http://schemas.ogf.org/occi/infrastructure#"
KIND = f'Category: compute; scheme="{INFRA}"; class="kind"\r\n'
STORAGE = f'Category: storage; scheme="{INFRA}"; class="kind"\r\n'
MiB = 1024 * 1024


class Agent:
    def __init__(self, binary):
        self.state = tempfile.mkdtemp(prefix="occi-limits-")
        self.port = 33000 + os.getpid() % 1000
        self.proc = subprocess.Popen([binary, "--listen", f"http://127.0.0.1:{self.port}", "--state-dir", self.state],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                if self.request("GET", "/-/")[0] == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("the agent did not answer within 30 s")
                time.sleep(0.05)

    def headers(self, extra):
        h = dict(extra)
        token = os.path.join(self.state, "admin.token")
        if os.path.exists(token):
            h["Authorization"] = "Bearer " + open(token).read().strip()
        return h

    def request(self, method, path, body=None, ctype="text/plain", headers=()):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        h = self.headers(headers)
        if body is not None:
            h["Content-Type"] = ctype
        t = time.perf_counter()
        c.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=h)
        r = c.getresponse()
        data = r.read()
        elapsed = time.perf_counter() - t
        c.close()
        return r.status, elapsed, data, r.getheader("Location")

    def rss(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.state, ignore_errors=True)


def mixins(prefix, n):
    return "".join(f'Category: {prefix}{i}; scheme="http://bench.test/t#"; class="mixin"; location="/{prefix}/{i}/"\r\n' for i in range(n))


def cases():
    """(name, method, path, body, content type, headers, baseline name); the first of each group is the baseline."""
    tpl = 'Category: small; scheme="http://{host}/occi/infrastructure/resource_tpl#"; class="mixin"\r\n'
    yield "compute, minimal", "POST", "/compute/", KIND, "text/plain", {}
    yield "body 1 MiB (maxRequestBytes)", "POST", "/storage/", None, "text/plain", {}
    yield "1000 attributes", "POST", "/compute/", KIND + 'X-OCCI-Attribute: occi.core.title="x"\r\n' * 1000, "text/plain", {}
    yield "100 links", "POST", "/compute/", KIND + f'Link: </storage/none>; rel="{INFRA}storage"\r\n' * 100, "text/plain", {}
    yield "title of 4096 characters", "POST", "/compute/", KIND + f'X-OCCI-Attribute: occi.core.title="{"t" * 4096}"\r\n', "text/plain", {}
    ud = f'Category: user_data; scheme="{INFRA[:-1]}/compute#"; class="mixin"\r\n'
    yield "user_data of 256 KiB", "POST", "/compute/", KIND + ud + f'X-OCCI-Attribute: occi.compute.userdata="{"A" * 262144}"\r\n', "text/plain", {}
    yield "1000 user mixins in one POST /-/", "POST", "/-/", "MIXINS", "text/plain", {}
    yield "1000 locations", "POST", "/mixin/os_tpl/", "X-OCCI-Location: /compute/none\r\n" * 1000, "text/plain", {}
    yield "text/occi headers near 1 MiB", "POST", "/compute/", None, "text/occi", {"Category": f'compute; scheme="{INFRA}"; class="kind"', "X-OCCI-Attribute": ", ".join(['occi.core.summary="' + "s" * 1000 + '"'] * 990)}
    yield "GET /-/ with 10,000 user mixins", "GET", "/-/", None, None, {}
    yield "page of 1000 (maxPageSize)", "GET", "/compute/?number=1000", None, None, {}


def max_body():
    line = 'X-OCCI-Attribute: occi.core.title="' + "x" * 1050 + '"\r\n'
    n = (MiB - len(STORAGE)) // len(line)
    rest = MiB - len(STORAGE) - n * len(line) - len('X-OCCI-Attribute: occi.core.summary=""\r\n')
    return STORAGE + line * n + 'X-OCCI-Attribute: occi.core.summary="' + "y" * rest + '"\r\n'


def burst(agent, body, n=32):
    results, peak, stop = [None] * n, [0.0], [False]

    def send(i):
        results[i] = agent.request("POST", "/storage/", body)

    def sample():
        while not stop[0]:
            peak[0] = max(peak[0], agent.rss())
            time.sleep(0.005)

    s = threading.Thread(target=sample)
    s.start()
    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
    stop[0] = True
    s.join()
    return results, peak[0]


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    agent = Agent(binary)
    try:
        # Enough mixins for the listing case, made 1000 per request (the per-request limit).
        batches = [agent.request("POST", "/-/", mixins(f"pre{k}x", 1000))[1] * 1000 for k in range(9)]
        print(f"1000 user mixins per POST /-/, 9 batches: first {batches[0]:.1f} ms, last (8000 -> 9000 existing) {batches[-1]:.1f} ms, "
              f"ratio last/first {batches[-1] / batches[0]:.2f}")
        body = max_body()
        base = None
        for i, (name, method, path, payload, ctype, headers) in enumerate(cases()):
            times, status = [], None
            for r in range(runs):
                p = body if payload is None and method == "POST" and ctype == "text/plain" else payload
                if p == "MIXINS":
                    p = mixins(f"r{r}x", 1000)
                    if r > 0:  # stay within maxUserMixins: remove the previous run's batch
                        agent.request("DELETE", "/-/", "".join(f'Category: r{r - 1}x{j}; scheme="http://bench.test/t#"; class="mixin"\r\n' for j in range(1000)))
                status, elapsed, _, location = agent.request(method, path, p, ctype or "text/plain", headers)
                times.append(elapsed * 1000)
                if location and status == 201:
                    agent.request("DELETE", "/" + location.split("/", 3)[3])
            median = statistics.median(times)
            if base is None:
                base = median
            print(f"{name:40s} {status}  {median:8.1f} ms  ratio to minimal create {median / base:6.1f}")
        time.sleep(3)  # the memory trim runs after a quiet second
        idle = agent.rss()
        print(f"idle RSS {idle:.1f} MiB; burst of 32 parallel 1 MiB requests (text/plain, {len(body)} bytes):")
        for round in range(3):
            results, peak = burst(agent, body)
            time.sleep(3)
            print(f"  round {round + 1}: statuses {sorted({r[0] for r in results})}, slowest {max(r[1] for r in results) * 1000:.0f} ms, "
                  f"peak RSS {peak:.1f} MiB, 3 s later {agent.rss():.1f} MiB (idle {idle:.1f} MiB, +{agent.rss() - idle:.1f})")
    finally:
        agent.stop()


if __name__ == "__main__":
    main()
