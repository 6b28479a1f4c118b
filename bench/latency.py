#!/usr/bin/python3
"""Event latency: the UPS switches to battery at a recorded instant; when do (a) the MQTT state, (b) a NUT
client polling GET VAR ups.status and (c) the policy state show it? Same path through real NUT
(dummy-ups -> upsd -> client) for comparison. Prints JSON with p50/p99 in milliseconds.

Usage: latency.py gateway WEB_URL MQTT_PORT BASE_TOPIC NUT_PORT UPS SWITCHES
       latency.py nut NUT_PORT UPS DEVFILE SWITCHES
"""
import json, random, socket, subprocess, sys, threading, time, urllib.request, os

POLL = 0.01  # client-side polling step (s): adds at most 10 ms to (b) and (c)


def pct(values, p):
    v = sorted(values)
    if not v:
        return None
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return round(v[k] * 1000, 1)


class NutPoller(threading.Thread):
    def __init__(self, port, ups):
        super().__init__(daemon=True)
        self.port, self.ups, self.status, self.stop = port, ups, "", False

    def run(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        f = s.makefile("rwb", buffering=0)
        while not self.stop:
            f.write(f"GET VAR {self.ups} ups.status\n".encode())
            line = f.readline().decode().strip()
            if line.startswith("VAR "):
                self.status = line.split('"')[1]
            time.sleep(POLL)


class MqttWatcher(threading.Thread):
    def __init__(self, port, topic):
        super().__init__(daemon=True)
        self.status = ""
        self.proc = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic],
                                     stdout=subprocess.PIPE, text=True)

    def run(self):
        for line in self.proc.stdout:
            try:
                self.status = json.loads(line).get("status") or ""
            except ValueError:
                pass


class PolicyPoller(threading.Thread):
    def __init__(self, web):
        super().__init__(daemon=True)
        self.web, self.state, self.stop = web, "", False

    def run(self):
        while not self.stop:
            try:
                with urllib.request.urlopen(self.web + "/api/policy", timeout=2) as r:
                    self.state = json.load(r).get("state", "")
            except OSError:
                pass
            time.sleep(POLL)


def wait(cond, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return time.monotonic()
        time.sleep(0.002)
    return None


def post(url):
    req = urllib.request.Request(url, data=b"", method="POST")
    urllib.request.urlopen(req, timeout=5).read()


def gateway(web, mqtt_port, base, nut_port, ups, n):
    mq = MqttWatcher(mqtt_port, f"{base}/{ups}/state"); mq.start()
    nut = NutPoller(nut_port, ups); nut.start()
    pol = PolicyPoller(web); pol.start()
    wait(lambda: mq.status.startswith("OL") and nut.status.startswith("OL"), 30)
    res = {"mqtt": [], "nut": [], "policy": []}
    for _ in range(n):
        time.sleep(random.uniform(0.2, 1.2))  # de-phase from the 1 s poll
        t0 = time.monotonic()
        post(web + "/api/demo/power-cut")
        tm = wait(lambda: "OB" in mq.status.split())
        tn = wait(lambda: "OB" in nut.status.split())
        tp = wait(lambda: pol.state not in ("", "normal"))
        for k, t in (("mqtt", tm), ("nut", tn), ("policy", tp)):
            if t is not None:
                res[k].append(t - t0)
        post(web + "/api/demo/power-restore")
        wait(lambda: "OL" in mq.status.split() and "OL" in nut.status.split() and pol.state == "normal")
    nut.stop = pol.stop = True
    mq.proc.terminate()
    return {k: {"n": len(v), "p50_ms": pct(v, 50), "p99_ms": pct(v, 99), "max_ms": pct(v, 100)} for k, v in res.items()}


def nut(nut_port, ups, devfile, n):
    base = open(devfile).read()
    def write(status):
        tmp = devfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(base.replace("ups.status: OL", f"ups.status: {status}"))
        os.replace(tmp, devfile)
    poller = NutPoller(nut_port, ups); poller.start()
    wait(lambda: poller.status.startswith("OL"), 30)
    res = []
    for _ in range(n):
        time.sleep(random.uniform(1.1, 2.1))  # dummy-ups notices mtime changes in whole seconds
        t0 = time.monotonic()
        write("OB DISCHRG")
        t = wait(lambda: "OB" in poller.status.split())
        if t is not None:
            res.append(t - t0)
        time.sleep(1.1)
        write("OL")
        wait(lambda: poller.status.startswith("OL"))
    poller.stop = True
    return {"nut": {"n": len(res), "p50_ms": pct(res, 50), "p99_ms": pct(res, 99), "max_ms": pct(res, 100)}}


if __name__ == "__main__":
    if sys.argv[1] == "gateway":
        print(json.dumps(gateway(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6], int(sys.argv[7]))))
    else:
        print(json.dumps(nut(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))))
