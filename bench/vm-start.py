#!/usr/bin/env python3
"""VM start benchmark: a VM started through the agent against the same QEMU command started by
hand, measured in the same run with the same guest (the busybox test guest, tests/guest/README.md).

Usage: bench/vm-start.py AGENT_BINARY [runs]
Each run
  (a) through the agent (own temp state dir and loopback port, test guest registered): POST a
      compute + POST start, then time to QMP query-status "running" on the VM's operator socket
      monitor.sock and to the serial marker "OCCI-TEST-GUEST: booted" on GET /compute/ID/console;
  (b) by hand: takes that QEMU's exact argv from /proc/PID/cmdline (with the -daemonize the
      agent adds), stops the VM through the agent (poweroff), runs the same argv itself, and
      times exec -> "running" on monitor.sock and -> the marker read from serial.sock directly.
Prints medians over the runs (default 3) and the ratios agent/by hand; the last line is
"vm-start: agent Xms, by hand Yms, ratio Z" for QMP running. One guest at a time; every QEMU,
the agent and the temp dir are cleaned up on any exit."""
import json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEME_BASE = "http://bench.test/occi/"
INFRA = 'scheme="http://schemas.ogf.org/occi/infrastructure#"'
ACTION = 'scheme="http://schemas.ogf.org/occi/infrastructure/compute/action#"'
BOOTED = b"OCCI-TEST-GUEST: booted"
BOOT_TIMEOUT, QMP_TIMEOUT = 90.0, 30.0


class Qmp:
    """A QMP connection; connecting retries until the socket exists and greets."""

    def __init__(self, path, deadline):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.settimeout(max(0.2, deadline - time.monotonic()))
                s.connect(path)
                self.sock, self.file = s, s.makefile("rb")
                if "QMP" not in json.loads(self.file.readline() or b"{}"):
                    raise ConnectionError("no QMP greeting")
                self.execute("qmp_capabilities")
                return
            except (OSError, ValueError):
                s.close()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no QMP on {path}")
                time.sleep(0.001)

    def execute(self, command):
        self.sock.sendall(json.dumps({"execute": command}).encode() + b"\n")
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("QMP connection closed")
            msg = json.loads(line)
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise RuntimeError(msg["error"].get("desc", "QMP error"))

    def close(self):
        self.file.close()
        self.sock.close()


def wait_running(monitor, t0):
    """Seconds from t0 (perf_counter) until QEMU says running on the operator socket."""
    deadline = time.monotonic() + QMP_TIMEOUT
    q = Qmp(monitor, deadline)
    try:
        while q.execute("query-status")["status"] != "running":
            if time.monotonic() > deadline:
                raise TimeoutError("QEMU did not reach running")
            time.sleep(0.001)
        return time.perf_counter() - t0
    finally:
        q.close()


class SerialWatch(threading.Thread):
    """Connects to serial.sock as soon as it exists (QEMU drops output nobody reads) and notes
    when the booted marker arrives."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.at, self.data, self.stop = path, None, b"", threading.Event()

    def run(self):
        deadline = time.monotonic() + BOOT_TIMEOUT
        while not self.stop.is_set() and time.monotonic() < deadline:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
            except OSError:
                s.close()
                time.sleep(0.001)
                continue
            s.settimeout(0.2)
            with s:
                while not self.stop.is_set() and time.monotonic() < deadline:
                    try:
                        chunk = s.recv(65536)
                    except socket.timeout:
                        continue
                    if not chunk:
                        return
                    self.data += chunk
                    if BOOTED in self.data:
                        self.at = time.perf_counter()
                        return
            return


class Agent:
    def __init__(self, binary):
        self.state = tempfile.mkdtemp(prefix="occi-vmstart-")
        self.var = os.path.join(self.state, "var")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        with open(os.path.join(self.state, "agent.json"), "w") as f:
            json.dump({"schemeBase": SCHEME_BASE}, f)
        self.log = open(os.path.join(self.state, "agent.log"), "wb")
        self.proc = subprocess.Popen([binary, "--listen", self.base, "--state-dir", self.var,
                                      "--config", os.path.join(self.state, "agent.json")],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while self.request("GET", "/-/")[0] != 200:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the agent did not answer within 30 s:\n{self.tail()}")
            time.sleep(0.01)

    def tail(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read()[-2000:].decode(errors="replace")

    def request(self, method, path, lines=None, raw=None, timeout=120):
        data = raw if raw is not None else None if lines is None else "".join(l + "\r\n" for l in lines).encode()
        headers = {"Content-Type": "text/plain"} if data is not None else {}
        try:  # the admin token the agent writes at its first start
            with open(os.path.join(self.var, "admin.token")) as f:
                headers["Authorization"] = "Bearer " + f.read().strip()
        except OSError:
            pass
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()
        except OSError:
            return 0, {}, b""

    def must(self, expected, method, path, lines=None):
        status, headers, body = self.request(method, path, lines)
        if status != expected:
            raise SystemExit(f"{method} {path}: {status}, expected {expected}: {body.decode(errors='replace')}")
        return headers, body

    def action(self, path, action, method=None):
        lines = [f'Category: {action}; {ACTION}; class="action"']
        if method:
            lines.append(f'X-OCCI-Attribute: method="{method}"')
        return self.must(200, "POST", f"{path}?action={action}", lines)

    def vm_dir(self, path):
        return os.path.join(self.var, "vms", path.rsplit("/", 1)[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def alive(pid):
    """Exists and is no zombie (a daemonised QEMU is reaped late by init)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZXx"


def read_pid(vm_dir):
    try:
        with open(os.path.join(vm_dir, "qemu.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def wait_gone(pid, timeout=30.0):
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            raise SystemExit(f"QEMU {pid} still runs after {timeout:.0f} s")
        time.sleep(0.005)


def kill_qemus(var):
    """Kills every QEMU whose pid file is under VAR/vms and whose command line names VAR."""
    vms = os.path.join(var, "vms")
    for name in os.listdir(vms) if os.path.isdir(vms) else []:
        pid = read_pid(os.path.join(vms, name))
        if pid is None or not alive(pid):
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                ours = var.encode() in f.read()
            if ours:
                os.kill(pid, signal.SIGKILL)
                wait_gone(pid, 10)
        except (OSError, SystemExit):
            pass


def through_agent(agent, os_tpl):
    """(a): returns (QMP running s, booted s, compute path, QEMU argv)."""
    t0 = time.perf_counter()
    headers, _ = agent.must(201, "POST", "/compute/", [
        f'Category: compute; {INFRA}; class="kind"', os_tpl, "X-OCCI-Attribute: occi.compute.memory=0.125"])
    path = "/compute/" + headers["Location"].rsplit("/", 1)[1]
    agent.action(path, "start")
    vm_dir = agent.vm_dir(path)
    running = wait_running(os.path.join(vm_dir, "monitor.sock"), t0)
    deadline = time.monotonic() + BOOT_TIMEOUT
    while BOOTED not in agent.request("GET", path + "/console")[2]:
        if time.monotonic() > deadline:
            raise SystemExit(f"{path}: no booted marker within {BOOT_TIMEOUT:.0f} s")
        time.sleep(0.01)
    booted = time.perf_counter() - t0
    pid = read_pid(vm_dir)
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
    return running, booted, path, argv


def by_hand(agent, path, argv):
    """(b): stops the agent's VM (poweroff) and runs the same argv; returns (running s, booted s)."""
    vm_dir = agent.vm_dir(path)
    pid = read_pid(vm_dir)
    agent.action(path, "stop", "poweroff")
    wait_gone(pid)
    # What the agent does before a launch: no stale sockets or pid file of the last QEMU.
    for f in ("qmp.sock", "serial.sock", "monitor.sock", "qemu.pid"):
        try:
            os.unlink(os.path.join(vm_dir, f))
        except FileNotFoundError:
            pass
    serial = SerialWatch(os.path.join(vm_dir, "serial.sock"))
    serial.start()
    t0 = time.perf_counter()
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        running = wait_running(os.path.join(vm_dir, "monitor.sock"), t0)
        serial.join(BOOT_TIMEOUT)
        if serial.at is None:
            raise SystemExit(f"QEMU started by hand: no booted marker within {BOOT_TIMEOUT:.0f} s")
        booted = serial.at - t0
    finally:
        serial.stop.set()
        # -daemonize: this is the parent, which exits once the VM is set up.
        _, err = qemu.communicate(timeout=30)
        if qemu.returncode != 0:
            print(f"QEMU by hand exited {qemu.returncode}: {err.decode(errors='replace').strip()}", file=sys.stderr)
        pid = read_pid(vm_dir)
        if pid is not None and alive(pid):
            os.kill(pid, signal.SIGTERM)
            wait_gone(pid)
    return running, booted


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    agent = None
    try:
        agent = Agent(binary)
        subprocess.run([os.path.join(REPO, "scripts", "build-test-guest"), os.path.join(agent.var, "images")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os_tpl = f'Category: test-guest; scheme="{SCHEME_BASE}infrastructure/os_tpl#"; class="mixin"'
        deadline = time.monotonic() + 15
        while os_tpl.encode() not in agent.request("GET", "/-/")[2]:
            if time.monotonic() > deadline:
                raise SystemExit("the agent did not publish the test guest within 15 s")
            time.sleep(0.05)
        host = agent.request("GET", "/host")[2].decode()
        accel = next((l.split(": ", 1)[1] for l in host.splitlines() if l.startswith("accelerator: ")), "?")
        a_run, a_boot, b_run, b_boot = [], [], [], []
        for i in range(runs):
            running, booted, path, argv = through_agent(agent, os_tpl)
            a_run.append(running * 1000)
            a_boot.append(booted * 1000)
            running, booted = by_hand(agent, path, argv)
            b_run.append(running * 1000)
            b_boot.append(booted * 1000)
            agent.must(200, "DELETE", path)
            print(f"run {i + 1}: agent running {a_run[-1]:.1f} ms, booted {a_boot[-1]:.1f} ms; "
                  f"by hand running {b_run[-1]:.1f} ms, booted {b_boot[-1]:.1f} ms", flush=True)
        med = statistics.median
        print(f"\nVM start, median of {runs} (accelerator {accel}; agent: POST compute + POST start; by hand: exec of the same argv)")
        print(f"{'':24}{'agent':>12}{'by hand':>12}{'agent/by hand':>15}")
        for name, a, b in (("-> QMP running", a_run, b_run), ("-> booted marker", a_boot, b_boot)):
            print(f"{name:24}{med(a):>9.1f} ms{med(b):>9.1f} ms{med(a) / med(b):>15.2f}")
        print(f"vm-start: agent {med(a_run):.1f}ms, by hand {med(b_run):.1f}ms, ratio {med(a_run) / med(b_run):.2f}")
    finally:
        if agent is not None:
            kill_qemus(agent.var)
            agent.stop()
            kill_qemus(agent.var)
            shutil.rmtree(agent.state, ignore_errors=True)


if __name__ == "__main__":
    main()
