#!/usr/bin/env python3
"""ESPHome proxy benchmark (not a test): `declouder run --esphome` fed by a minimal ESPHome
node written here (plaintext native API: hello, device info, raw advertisement batches of
16, as a bluetooth_proxy sends them), so the node is never the bottleneck. Measures:
  1. adverts per second one proxy connection carries into the pipeline, and the gateway's
     CPU time per 1,000 adverts (getrusage of the run process, its idle start subtracted);
  2. proxy-to-MQTT latency of a weighing: the node sends the frame completing a Mi Body
     Composition Scale 2 weighing, a subscriber on a real Mosquitto receives
     declouder/scales/<mac>/measurement (loopback, one clock);
  3. resident memory of the gateway with ten proxies connected, each relaying 10 adverts/s.
Usage: bench/esphome_bench.py [build/declouder]
"""
import os, signal, socket, statistics, struct, subprocess, sys, tempfile, threading, time

EXE = sys.argv[1] if len(sys.argv) > 1 else "build/declouder"
WORK = tempfile.mkdtemp(prefix="declouder-espbench.")
MAC = 0xC8478C5A0002


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field_varint(n, v):
    return varint(n << 3) + varint(v)


def field_bytes(n, b):
    return varint((n << 3) | 2) + varint(len(b)) + b


def frame(msg_type, payload):
    return b"\x00" + varint(len(payload)) + varint(msg_type) + payload


def mi_scale_2(ctrl1, weight_kg, impedance, second):
    # Xiaomi Mi Body Composition Scale 2 service data (0x181B), as its decoder reads it.
    sd = bytes([0x02, ctrl1]) + struct.pack("<HBBBBBHH", 2026, 12, 1, 7, 30, second % 60, impedance,
                                           int(round(weight_kg * 200)))
    ad = b"\x02\x01\x06" + bytes([len(sd) + 3, 0x16, 0x1B, 0x18]) + sd + b"\x06\x09MIBFS"
    return ad


def raw_batch(ads, rssi=-60):
    # sint32 zigzag of a negative RSSI
    z = (rssi << 1) ^ (rssi >> 31)
    payload = b"".join(field_bytes(1, field_varint(1, MAC) + field_varint(2, z & 0xFFFFFFFF) +
                                  field_varint(3, 0) + field_bytes(4, ad)) for ad in ads)
    return frame(93, payload)


def read_message(conn, buf):
    while True:
        if len(buf) >= 3 and buf[0] == 0:
            pos, vals = 1, []
            for _ in range(2):
                v, shift = 0, 0
                while pos < len(buf):
                    b = buf[pos]; pos += 1
                    v |= (b & 0x7F) << shift; shift += 7
                    if not b & 0x80:
                        break
                vals.append(v)
            if len(vals) == 2 and len(buf) >= pos + vals[0]:
                msg = (vals[1], bytes(buf[pos:pos + vals[0]]))
                del buf[:pos + vals[0]]
                return msg
        data = conn.recv(4096)
        if not data:
            raise EOFError
        buf.extend(data)


class Node:
    """A plaintext ESPHome Bluetooth proxy with one client; `send` relays after subscription."""
    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.subscribed = threading.Event()
        self.conn = None
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.sock.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn = conn
        buf = bytearray()
        try:
            while True:
                t, _ = read_message(conn, buf)
                if t == 1:
                    conn.sendall(frame(2, field_varint(1, 1) + field_varint(2, 12) + field_bytes(4, b"bench")))
                elif t == 9:
                    conn.sendall(frame(10, field_bytes(2, b"bench") + field_varint(15, 1 | 32)))
                elif t == 7:
                    conn.sendall(frame(8, b""))
                elif t == 66:
                    self.subscribed.set()
        except (EOFError, OSError):
            pass

    def send(self, data):
        self.conn.sendall(data)


def start_run(args, log):
    return subprocess.Popen([EXE, "run", "--database", f"{WORK}/{log}.db"] + args,
                            stdout=subprocess.DEVNULL, stderr=open(f"{WORK}/{log}.err", "w"))


def stop_run(p):
    p.send_signal(signal.SIGTERM)
    _, status, usage = os.wait4(p.pid, 0)
    return usage.ru_utime + usage.ru_stime


def throughput(n_batches=4000):
    # Distinct frames (a weight climbing), so nothing is a repeat the pipeline skips for free.
    batches = [raw_batch([mi_scale_2(0x04, 20 + (b * 16 + i) % 5000 / 100, 0xFFFD, i) for i in range(16)])
               for b in range(64)]
    # Idle cost: start, connect, stop.
    node = Node()
    p = start_run(["--esphome", f"127.0.0.1:{node.port}"], "idle")
    node.subscribed.wait(10)
    time.sleep(0.5)
    idle_cpu = stop_run(p)
    node = Node()
    p = start_run(["--esphome", f"127.0.0.1:{node.port}"], "flood")
    node.subscribed.wait(10)
    time.sleep(0.5)
    t0 = time.monotonic()
    for i in range(n_batches):
        node.send(batches[i % len(batches)])
    # Then a weighing: its measurement line says every advert before it went through.
    node.send(raw_batch([mi_scale_2(0x24, 99.5, 0xFFFD, 1), mi_scale_2(0x26, 99.5, 480, 1), mi_scale_2(0xA6, 99.5, 480, 1)]))
    sent = time.monotonic() - t0
    while not any("measurement 99.5 kg" in l for l in open(f"{WORK}/flood.err")):
        time.sleep(0.01)
    total = time.monotonic() - t0
    p.send_signal(signal.SIGTERM)
    _, status, usage = os.wait4(p.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime - idle_cpu
    frames = [l for l in open(f"{WORK}/flood.err") if "stopped:" in l]
    n = n_batches * 16
    print(f"1. one proxy connection, {n} raw adverts in batches of 16: sent in {sent:.2f} s, "
          f"all through the pipeline after {total:.2f} s: {n / total:,.0f} adverts/s; "
          f"gateway CPU {cpu / n * 1e6:.0f} ms per 1,000 adverts ({frames[-1].strip() if frames else '?'})")


def latency(rounds=20):
    port_s = socket.socket(); port_s.bind(("127.0.0.1", 0)); bport = port_s.getsockname()[1]; port_s.close()
    open(f"{WORK}/m.conf", "w").write(f"listener {bport} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n")
    broker = subprocess.Popen(["mosquitto", "-c", f"{WORK}/m.conf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(bport), "-t", "declouder/scales/+/measurement"],
                           stdout=subprocess.PIPE, text=True, bufsize=1)
    node = Node()
    p = start_run(["--esphome", f"127.0.0.1:{node.port}", "--mqtt", f"mqtt://127.0.0.1:{bport}",
                   "--gateway-id", "espbench"], "latency")
    node.subscribed.wait(10)
    time.sleep(1.0)
    got = []
    for r in range(rounds):
        w = 60 + r * 0.5
        node.send(raw_batch([mi_scale_2(0x24, w, 0xFFFD, r)]))  # stabilized, no impedance yet
        time.sleep(0.05)
        t0 = time.monotonic()
        node.send(raw_batch([mi_scale_2(0x26, w, 480, r)]))     # the impedance frame completes it
        line = sub.stdout.readline()
        got.append((time.monotonic() - t0) * 1000)
        node.send(raw_batch([mi_scale_2(0xA6, w, 480, r)]))     # stepped off
        time.sleep(0.3)
    stop_run(p)
    sub.terminate(); broker.terminate(); sub.wait(); broker.wait()
    got.sort()
    print(f"2. proxy -> MQTT, a weighing's completing advert to its measurement at a subscriber: median "
          f"{statistics.median(got):.1f} ms, max {max(got):.1f} ms ({rounds} weighings; Mosquitto set_tcp_nodelay true)")


def memory(proxies=10):
    nodes = [Node() for _ in range(proxies)]
    args = []
    for n in nodes:
        args += ["--esphome", f"127.0.0.1:{n.port}"]
    p = start_run(args, "memory")
    for n in nodes:
        n.subscribed.wait(10)
    stop = time.monotonic() + 10
    i = 0
    while time.monotonic() < stop:  # each node relays 10 adverts a second
        for n in nodes:
            n.send(raw_batch([mi_scale_2(0x04, 30 + i % 40, 0xFFFD, i)]))
        i += 1
        time.sleep(0.1)
    status = open(f"/proc/{p.pid}/status").read()
    rss = [l for l in status.splitlines() if l.startswith(("VmRSS", "VmHWM", "Threads"))]
    stop_run(p)
    print(f"3. {proxies} proxies connected, 10 adverts/s each, after 10 s: " + ", ".join(" ".join(l.split()) for l in rss))


throughput()
latency()
memory()
subprocess.run(["rm", "-rf", WORK])
