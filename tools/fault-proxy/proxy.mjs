// A loopback TCP proxy that injects connection-level faults between code-exec and a backend.
// node tools/fault-proxy/proxy.mjs --target 127.0.0.1:PORT --mode MODE [--port 0] [--drip-ms 200]
// modes: pass | reset (RST after the request arrives) | reset-mid-body (half the answer, then RST)
//        | drip (the answer one byte per --drip-ms) | blackhole (never answers)
//        | truncate (half the answer, then a clean close)
// Prints {"msg":"listening","port":N}. Binds 127.0.0.1 only.
import net from "node:net";

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const [targetHost, targetPort] = opt("target", "127.0.0.1:2358").split(":");
const mode = opt("mode", "pass");
const dripMs = Number(opt("drip-ms", "200"));

const server = net.createServer((client) => {
  client.on("error", () => {});
  if (mode === "blackhole") return client.on("data", () => {});
  const upstream = net.connect(Number(targetPort), targetHost);
  upstream.on("error", () => client.destroy());
  client.on("close", () => upstream.destroy());
  if (mode === "reset") {
    client.once("data", () => client.resetAndDestroy());
    return;
  }
  client.pipe(upstream);
  let answer = Buffer.alloc(0);
  upstream.on("data", (chunk) => {
    if (mode === "pass") return client.write(chunk);
    answer = Buffer.concat([answer, chunk]);
  });
  upstream.on("end", () => {
    if (mode === "pass") return client.end();
  });
  // Non-pass modes act once the backend answered (it closes or goes quiet for 50 ms).
  let timer;
  upstream.on("data", () => {
    if (mode === "pass") return;
    clearTimeout(timer);
    timer = setTimeout(() => act(client, answer), 50);
  });
});

function act(client, answer) {
  const half = answer.subarray(0, Math.max(1, Math.floor(answer.length / 2)));
  if (mode === "truncate") return client.end(half);
  if (mode === "reset-mid-body") return client.write(half, () => client.resetAndDestroy());
  if (mode === "drip") {
    let i = 0;
    const tick = setInterval(() => {
      if (i >= answer.length || client.destroyed) return clearInterval(tick);
      client.write(answer.subarray(i, i + 1));
      i += 1;
    }, dripMs);
  }
}

server.listen(Number(opt("port", "0")), "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "listening", port: server.address().port, mode }));
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
