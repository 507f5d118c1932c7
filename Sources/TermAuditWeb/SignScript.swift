/// The sign page's script, served at /static/sign.js (the Content-Security-Policy allows no inline script).
///
/// It reads the private key file the signer picks (never sent anywhere), asks the server to prepare the record for
/// the key's public key, shows the exact message, and on confirmation signs the bytes the server sent (decoded from
/// base64, never re-encoded from text) with WebCrypto Ed25519 and sends the signature. Everything it writes into
/// the page goes through `textContent`.
enum SignScript {
    static let source = #"""
'use strict';
(function () {
  const form = document.getElementById('sign-form');
  if (!form) return;
  form.hidden = false;   // without script the page says how to sign on the command line instead
  const zh = form.dataset.lang !== 'en';
  const say = (z, e) => (zh ? z : e);
  const caseID = form.dataset.case;
  const csrf = form.querySelector('input[name=_csrf]').value;
  const roleField = document.getElementById('sign-role');
  const keyField = document.getElementById('sign-key');
  const confirmBox = document.getElementById('sign-confirm');
  const messageBox = document.getElementById('sign-message');
  const confirmButton = document.getElementById('sign-confirm-button');
  const cancelButton = document.getElementById('sign-cancel');
  const status = document.getElementById('sign-status');
  const base = '/api/v1/cases/' + encodeURIComponent(caseID) + '/signoffs';
  let pending = null;

  function show(text, kind) {
    status.textContent = text;
    status.className = kind || '';
    status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }
  function bytesFromBase64(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function base64FromBytes(bytes) {
    let bin = '';
    for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
    return btoa(bin);
  }
  function base64url(bytes) {
    return base64FromBytes(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  // The key file: `format`, `name`, `private_key`, `public_key` lines (termaudit keygen).
  function readKeyFile(text) {
    const fields = {};
    for (const line of text.split(/\r?\n/)) {
      const m = /^([a-z_]+):\s*"?([^"#]*?)"?\s*$/.exec(line);
      if (m) fields[m[1]] = m[2];
    }
    if (fields.format !== 'termaudit-ed25519-private-v1') {
      throw new Error(say('这不是 termaudit 私钥文件（应有 format: termaudit-ed25519-private-v1；.pub 公钥文件不能签字）',
                          'not a termaudit private key file (format: termaudit-ed25519-private-v1 expected; a .pub file cannot sign)'));
    }
    let seed, pub;
    try { seed = bytesFromBase64(fields.private_key || ''); pub = bytesFromBase64(fields.public_key || ''); } catch (e) { seed = pub = null; }
    if (!seed || seed.length !== 32 || !pub || pub.length !== 32) {
      throw new Error(say('私钥文件的 private_key 或 public_key 不是 32 字节的 base64', 'private_key or public_key in the key file is not base64 of 32 bytes'));
    }
    return { seed: seed, pub: pub, name: fields.name || '' };
  }
  async function call(url, body) {
    const r = await fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Accept': 'application/json' },
      body: JSON.stringify(body)
    });
    let json = null;
    try { json = await r.json(); } catch (e) { json = null; }
    if (!r.ok) {
      const m = json && json.error ? json.error.message : (say('服务器答复 ', 'the server answered ') + r.status);
      throw new Error(m);
    }
    return json;
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    pending = null;
    confirmBox.hidden = true;
    if (!window.crypto || !crypto.subtle) {
      show(say('此浏览器不能在本页使用 WebCrypto（需要 https 或本机地址）；请用命令行 termaudit sign', 'this browser offers no WebCrypto here (https or a local address is needed); sign with termaudit sign'), 'error');
      return;
    }
    const file = keyField.files && keyField.files[0];
    if (!file) { show(say('请选择私钥文件', 'choose your private key file'), 'error'); return; }
    try {
      if (file.size > 65536) throw new Error(say('文件太大，不是私钥文件', 'the file is too large to be a key file'));
      const k = readKeyFile(await file.text());
      let key;
      try {
        key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: base64url(k.seed), x: base64url(k.pub) },
                                            { name: 'Ed25519' }, false, ['sign']);
      } catch (e) {
        throw new Error(say('此浏览器无法使用该私钥（需要支持 Ed25519 的浏览器）：', 'this browser cannot use the key (Ed25519 support is needed): ') + e.message);
      }
      show(say('正在核对…', 'Checking…'));
      const p = await call(base + '/prepare', { role: roleField.value, public_key: base64FromBytes(k.pub) });
      pending = { key: key, prepared: p };
      messageBox.textContent = p.message;
      confirmBox.hidden = false;
      show(say('请核对签字原文，确认后签字。', 'Check the message, then sign.'));
      confirmButton.focus();
    } catch (e) {
      show(e.message, 'error');
    }
  });

  cancelButton.addEventListener('click', function () {
    pending = null;
    confirmBox.hidden = true;
    show(say('已取消，未签字。', 'Cancelled; nothing signed.'));
  });

  confirmButton.addEventListener('click', async function () {
    if (!pending) return;
    const p = pending.prepared;
    confirmButton.disabled = true;
    try {
      const signature = await crypto.subtle.sign({ name: 'Ed25519' }, pending.key, bytesFromBase64(p.message_base64));
      const done = await call(base, { role: p.role, public_key: p.public_key, time: p.time, signature: base64FromBytes(signature), revision: p.revision });
      pending = null;
      confirmBox.hidden = true;
      show(say('已签字：' + done.name + '，' + done.time + '。正在打开核验页…', 'Signed: ' + done.name + ', ' + done.time + '. Opening the verification…'), 'ok');
      window.location.assign('/cases/' + encodeURIComponent(caseID) + '/verify');
    } catch (e) {
      show(e.message, 'error');
    } finally {
      confirmButton.disabled = false;
    }
  });
})();
"""#
}
