#!/usr/bin/env python3
"""Memory after bursts of maximum-size requests, for one or more agent binaries in the same run.

For each binary: a fresh agent on a fresh state dir; one request, then the idle VmRSS (the
baseline); then three rounds of 32 parallel 1 MiB text/plain POSTs (bench/limits.py's body),
each followed by VmRSS 3 s and 15 s later, as the difference to the baseline.

Usage: bench/burst-memory.py AGENT_BINARY [AGENT_BINARY ...]"""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
limits = __import__("limits")


def measure(binary):
    agent = limits.Agent(binary)
    try:
        agent.request("GET", "/-/")
        time.sleep(3)
        idle = agent.rss()
        body = limits.max_body()
        rows = []
        for _ in range(3):
            results, peak = limits.burst(agent, body)
            statuses = sorted({r[0] for r in results})
            time.sleep(3)
            after3 = agent.rss()
            time.sleep(12)
            rows.append((statuses, peak, after3 - idle, agent.rss() - idle))
        return idle, rows
    finally:
        agent.stop()


def main():
    for binary in sys.argv[1:]:
        idle, rows = measure(binary)
        print(f"{binary}: idle {idle:.1f} MiB")
        for i, (statuses, peak, d3, d15) in enumerate(rows, 1):
            print(f"  round {i}: statuses {statuses}, peak {peak:.1f} MiB, idle {d3:+.1f} MiB after 3 s, {d15:+.1f} MiB after 15 s "
                  f"(ratio to idle {(idle + d15) / idle:.2f})")


if __name__ == "__main__":
    main()
