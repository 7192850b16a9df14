// 行政执法账本 — the one script of the pages: check an inclusion proof in the browser.
// No library, nothing fetched but this site's own /v1/log/event/N (public events).
"use strict";
(function () {
  const enc = new TextEncoder();
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const hex = (a) => Array.from(a, (x) => x.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  // RFC 9162 §2.1.3.2, with arithmetic instead of 32-bit shifts (trees may exceed 2^31 leaves).
  async function inclusionRoot(leaf, index, size, path) {
    if (index >= size) throw new Error("位置超出树的大小");
    let fn = index, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) throw new Error("证明路径过长");
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), p, r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error("证明路径过短");
    return r;
  }

  // C2SP signed note: the text, a blank line, then "— <name> <base64(key id ‖ signature)>" lines.
  function parseNote(note) {
    const split = note.indexOf("\n\n");
    if (split < 0) throw new Error("检查点格式错误");
    const text = note.slice(0, split + 1);
    const lines = text.split("\n");
    const sigs = note.slice(split + 2).split("\n").filter((l) => l.startsWith("\u2014 ")).map((l) => {
      const [name, data] = l.slice(2).split(" ");
      return { name, raw: b64(data) };
    });
    return { text, origin: lines[0], size: Number(lines[1]), root: b64(lines[2]), sigs };
  }

  async function checkNoteSignature(note, vkey) {
    // name+hash+base64 key: the base64 part may itself contain "+"
    const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
    const name = vkey.slice(0, first), keyHash = vkey.slice(first + 1, second), keyData = vkey.slice(second + 1);
    const key = b64(keyData);
    if (key[0] !== 1 || key.length !== 33) return { status: "info", text: "日志公钥不是 Ed25519 密钥，未核验检查点签名" };
    const sig = note.sigs.find((s) => s.name === name && hex(s.raw.slice(0, 4)) === keyHash);
    if (!sig) return { status: "fail", text: `检查点上没有日志 ${name} 的签名` };
    let publicKey;
    try {
      publicKey = await crypto.subtle.importKey("raw", key.slice(1), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return { status: "info", text: "本浏览器不支持 Ed25519 核验；请用命令行离线核验检查点签名" };
    }
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, sig.raw.slice(4), enc.encode(note.text));
    return ok ? { status: "pass", text: `检查点签名有效（日志 ${name}，公钥 ${keyHash}）` }
              : { status: "fail", text: "检查点签名无效" };
  }

  async function verify(data, say) {
    if (!window.crypto || !crypto.subtle) {
      say("info", "需要通过 HTTPS 或在本机访问才能在浏览器中计算哈希；请改用命令行离线核验");
      return false;
    }
    const proof = data.proof;
    let stored;
    let leaf;
    let leafOk = true;
    if (!data.sealed && !data.event_url) {
      // The bytes hold personal data and are not served (451, PUB-01): the leaf hash alone.
      say("info", "事件字节含个人信息，依 PUB-01 不予提供；只核验其叶子哈希包含在签名日志中");
      leaf = b64(proof.leaf_hash);
    } else if (data.sealed) {
      stored = b64(data.sealed);
    } else {
      const response = await fetch(data.event_url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        say("fail", `取得事件字节失败（HTTP ${response.status}）`);
        return false;
      }
      stored = new Uint8Array(await response.arrayBuffer());
    }
    if (stored) {
      say("info", `事件签名字节 ${stored.length} 字节`);
      leaf = await sha256(concat(Uint8Array.of(0), await sha256(stored)));
      leafOk = equal(leaf, b64(proof.leaf_hash));
      say(leafOk ? "pass" : "fail", leafOk ? "叶子哈希与事件字节相符" : "叶子哈希与事件字节不符");
    }
    const root = await inclusionRoot(leaf, proof.position, proof.tree_size, proof.proof.map(b64));
    const note = parseNote(proof.checkpoint);
    const rootOk = equal(root, note.root) && note.size === proof.tree_size;
    say(rootOk ? "pass" : "fail", rootOk ? `沿证明路径算得的根与检查点（大小 ${note.size}）中的根一致`
                                         : "算得的根与检查点中的根不一致");
    let sigOk = true;
    if (proof.vkey) {
      const result = await checkNoteSignature(note, proof.vkey);
      say(result.status, result.text);
      sigOk = result.status !== "fail";
    } else {
      say("info", "没有日志公钥，未核验检查点签名");
    }
    return leafOk && rootOk && sigOk;
  }

  function attach(button) {
    const id = button.dataset.verify;
    const source = document.getElementById(id);
    const out = document.getElementById(id + "-result");
    if (!source || !out) return;
    button.addEventListener("click", async () => {
      out.textContent = "";
      out.dataset.status = "running";
      const say = (status, text) => {
        const li = document.createElement("li");
        li.className = status;
        li.textContent = (status === "pass" ? "✔ " : status === "fail" ? "✘ " : "") + text;
        out.appendChild(li);
      };
      try {
        const ok = await verify(JSON.parse(source.textContent), say);
        say(ok ? "pass" : "fail", ok ? "核验通过：该事件包含在已签名的透明日志中" : "核验未通过");
        out.dataset.status = ok ? "ok" : "fail";
      } catch (e) {
        say("fail", "核验失败：" + (e && e.message ? e.message : String(e)));
        out.dataset.status = "fail";
      }
    });
  }

  document.querySelectorAll("button[data-verify]").forEach(attach);
})();
