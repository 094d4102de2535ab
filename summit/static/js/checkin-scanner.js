/* The gate scanner: camera and QR decoding, the answer full screen with a sound, the queue of
   offline scans, and the desk look-up. Talks to /api/v1 with a bearer token of this phone. */
(function () {
  "use strict";

  const C = window.SummitCheckin;
  const config = JSON.parse(document.getElementById("scanner").dataset.config);
  const S = config.strings;
  const $ = (id) => document.getElementById(id);
  const api = config.api; // .../checkins
  const GATE_KEY = "summit.gate." + config.slug;
  // A device token works for one summit only, and expires: one per user and summit, renewed
  // (with this page's session) whenever the server refuses it.
  const TOKEN_KEY = "summit.apitoken." + config.user + "." + config.slug;
  const ONLINE_TIMEOUT_MS = 1800;
  const RESUME_SAME_CODE_MS = 3000;

  let store = null;
  let manifest = null;
  let publicKey = null;
  let busy = false;
  let lastCode = null;
  let lastCodeUntil = 0;
  let dismissTimer = null;
  let audio = null;
  let syncing = false;
  let failed = 0;

  // A category in the page's language: the summit's words by code, else the holder's own.
  function categoryWords(category) {
    if (!category) return "";
    return (config.categories || {})[category.code]
      || (config.language === "en" && category.label_en) || category.label;
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, (_m, name) => (values[name] !== undefined ? values[name] : ""));
  }

  function device() {
    let id = localStorage.getItem("summit.device");
    if (!id) {
      id = "dev-" + Math.random().toString(36).slice(2, 10);
      localStorage.setItem("summit.device", id);
    }
    return id;
  }

  function newScanId() {
    return device() + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
  }

  function localTime(iso) {
    if (!iso) return "";
    const at = new Date(iso);
    return isNaN(at) ? iso : at.toLocaleString([], { month: "2-digit", day: "2-digit",
                                                     hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // --- sound (WebAudio, no file) ---------------------------------------------------------
  function unlockSound() {
    // Browsers start sound only after a tap: the first tap anywhere on the page unlocks it.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch (error) { /* no WebAudio: the screen still answers */ }
  }

  function beep(result) {
    try {
      unlockSound();
      const tones = { ok: [[880, 0.12]], duplicate: [[620, 0.12], [620, 0.12]] }[result] || [[220, 0.45]];
      let at = audio.currentTime;
      for (const [frequency, length] of tones) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = result === "ok" || result === "duplicate" ? "sine" : "square";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.25, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + length);
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + length);
        at += length + 0.06;
      }
    } catch (error) { /* no sound on this device: the screen still answers */ }
  }

  // --- the answer -------------------------------------------------------------------------
  function show(answer, note) {
    const box = $("result");
    const holder = answer.holder || null;
    box.dataset.result = answer.result;
    box.className = "scan-result " + ({ ok: "is-ok", duplicate: "is-duplicate" }[answer.result] || "is-refused");
    $("result-word").textContent = S[answer.result] || answer.result;
    $("result-name").textContent = holder ? holder.name : "";
    $("result-native").textContent = holder && holder.name_native ? holder.name_native : "";
    $("result-pinyin").textContent = holder && holder.pinyin ? holder.pinyin : "";
    $("result-category").textContent = holder ? categoryWords(holder.category) : "";
    $("result-category").style.borderColor = holder ? holder.category.colour : "transparent";
    $("result-zones").textContent = holder ? holder.zones.map((z) => (config.zones || {})[z.code] || z.label).join(" · ") : "";
    const photo = $("result-photo");
    photo.hidden = !(holder && holder.photo_url);
    if (!photo.hidden) photo.src = holder.photo_url;
    $("result-first").textContent = answer.result === "duplicate" && answer.first_scanned_at
      ? format(S.first, { time: localTime(answer.first_scanned_at), gate: answer.first_gate || "" }) : "";
    $("result-salon").textContent = answer.salon
      ? answer.salon.title + " · " + (answer.salon.booked ? S.booked : S.walkIn) : "";
    $("result-note").textContent = [note, answer.conflict ? S.conflict : "", answer.unknown ? S.notInList : ""]
      .filter(Boolean).join(" ");
    box.hidden = false;
    beep(answer.result);
    clearTimeout(dismissTimer);
    dismissTimer = setTimeout(() => dismiss(false), answer.result === "ok" ? 3000 : 6000);
  }

  function dismiss(byHand) {
    clearTimeout(dismissTimer);
    $("result").hidden = true;
    // A tap means "next person": the same code may be scanned at once (e.g. to show it again).
    lastCodeUntil = byHand ? 0 : Date.now() + RESUME_SAME_CODE_MS;
    busy = false;
  }

  // --- network ----------------------------------------------------------------------------
  async function apiToken(renew) {
    let token = localStorage.getItem(TOKEN_KEY);
    if (token && !renew) return token;
    const response = await fetch(config.tokenUrl, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrf } });
    if (!response.ok) throw new Error("token " + response.status);
    token = (await response.json()).token;
    localStorage.setItem(TOKEN_KEY, token);
    return token;
  }

  async function call(path, options, timeoutMs) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs || 8000);
      try {
        const token = await apiToken(attempt > 0);
        const response = await fetch(path, Object.assign({}, options, { signal: controller.signal,
          headers: Object.assign({ Authorization: "Bearer " + token, Accept: "application/json" },
                                 options && options.body ? { "Content-Type": "application/json" } : {}) }));
        if ((response.status === 401 || response.status === 403) && attempt === 0) continue;
        return response;
      } finally {
        clearTimeout(timer);
      }
    }
    throw new Error("unauthorised");
  }

  function setNet(online) {
    const net = $("net-state");
    net.textContent = online ? S.online : S.offline;
    net.className = "net " + (online ? "is-online" : "is-offline");
  }

  async function refreshManifest() {
    if (!navigator.onLine) return;
    try {
      const response = await call(api + "/manifest", { method: "GET" });
      if (!response.ok) return;
      const fresh = await response.json();
      await store.saveManifest(fresh);
      await useManifest(fresh);
      setNet(true);
    } catch (error) { setNet(false); }
  }

  async function useManifest(value) {
    if (!value) {
      $("manifest-state").textContent = S.noManifest;
      return;
    }
    manifest = C.indexManifest(value);
    try {
      publicKey = await C.importKey(manifest);
    } catch (error) {
      publicKey = null;
      $("manifest-state").textContent = S.noCrypto;
      return;
    }
    $("manifest-state").textContent = format(S.manifestAt, { time: localTime(manifest.generated_at) });
  }

  async function showQueue() {
    const count = (await store.queued()).length;
    const parts = [count ? format(S.queued, { count }) : ""];
    if (failed) parts.push(format(S.failed, { count: failed }));
    $("queue-state").textContent = parts.filter(Boolean).join(" ");
    $("queue-state").dataset.count = String(count);
  }

  /* Send queued scans, oldest first; stop at the first network failure. */
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      for (const scan of await store.queued()) {
        const body = Object.assign({}, scan);
        delete body.summit;
        const path = (body.registration_id || body.press_person_id) ? api + "/manual" : api;
        let response;
        try {
          response = await call(path, { method: "POST", body: JSON.stringify(body) });
        } catch (error) {
          setNet(false);
          break;
        }
        if (response.status >= 500) break;
        if (!response.ok) failed += 1; // refused for good (e.g. a clock far off): not retried
        await store.dequeue(scan.scan_id);
        setNet(true);
      }
    } finally {
      syncing = false;
      await showQueue();
    }
    if (!(await store.queued()).length) refreshManifest();
  }

  // --- a scan -----------------------------------------------------------------------------
  async function onCode(token) {
    const now = Date.now();
    if (busy || (token === lastCode && now < lastCodeUntil)) return;
    busy = true;
    lastCode = token;
    const scan = { token, gate: localStorage.getItem(GATE_KEY), device: device(),
                   scan_id: newScanId(), scanned_at: new Date().toISOString() };
    await answer(scan, "token");
  }

  async function answer(scan, kind) {
    if (navigator.onLine) {
      try {
        const response = await call(kind === "token" ? api : api + "/manual",
                                    { method: "POST", body: JSON.stringify(scan) }, ONLINE_TIMEOUT_MS);
        if (response.ok) {
          const body = await response.json();
          setNet(true);
          await remember(scan, body);
          show(body, "");
          return;
        }
        if (response.status < 500) {
          const error = await response.json().catch(() => ({}));
          show({ result: "invalid" }, error.error ? error.error.message : "");
          return;
        }
      } catch (error) { setNet(false); }
    }
    if (kind !== "token") {
      busy = false;
      return alert(S.needsNetwork);
    }
    const local = manifest && publicKey
      ? await C.verifyOffline(scan.token, manifest, publicKey, store, salonDoor(scan.gate))
      : { result: "invalid" };
    if (local.result === "ok") await store.noteArrival(local.key, scan.scanned_at, scan.gate);
    await store.enqueue(Object.assign({ offline: true }, scan));
    await showQueue();
    show(local, manifest ? S.answeredOffline : S.noManifest);
  }

  function salonDoor(gate) {
    return manifest && manifest.salon_doors ? manifest.salon_doors[gate] || null : null;
  }

  async function remember(scan, body) {
    const claims = scan.token ? C.decode(scan.token) : null;
    if (!claims) return;
    const key = body.salon ? "salon" + body.salon.id + ":" + claims.ref : claims.ref;
    if (body.result === "ok") await store.noteArrival(key, scan.scanned_at, scan.gate);
    if (body.result === "duplicate" && body.first_scanned_at) {
      await store.noteArrival(key, body.first_scanned_at, body.first_gate);
    }
  }

  // --- camera -----------------------------------------------------------------------------
  // What went wrong and what to do, in words: never the browser's error name.
  const CAMERA_PROBLEMS = {
    NotAllowedError: "cameraDenied", PermissionDeniedError: "cameraDenied",
    SecurityError: "cameraDenied", NotFoundError: "cameraMissing",
    DevicesNotFoundError: "cameraMissing", OverconstrainedError: "cameraMissing",
    NotReadableError: "cameraBusy", TrackStartError: "cameraBusy", AbortError: "cameraBusy",
    InsecureContext: "cameraInsecure",
  };

  function cameraProblem(error) {
    const key = CAMERA_PROBLEMS[error && error.name] || "cameraOther";
    return S[key] + " " + S.cameraFallback;
  }

  async function startCamera() {
    $("camera").hidden = false;
    const video = $("video");
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw { name: "InsecureContext" };
      }
      const stream = await navigator.mediaDevices.getUserMedia({ audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } } });
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      $("camera-hint").textContent = cameraProblem(error);
      return;
    }
    const canvas = $("frame");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      if (!busy && video.readyState >= 2 && window.jsQR) {
        const scale = Math.min(1, 960 / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code && code.data) onCode(code.data);
      }
      setTimeout(tick, 120);
    };
    tick();
  }

  // --- gate -------------------------------------------------------------------------------
  function chooseGate() {
    $("gate-chooser").hidden = false;
    $("camera").hidden = true;
    $("lookup").hidden = true;
  }

  function gateChosen(name) {
    name = (name || "").trim().slice(0, 64);
    if (!name) return;
    localStorage.setItem(GATE_KEY, name);
    $("gate-name").textContent = name;
    $("gate-chooser").hidden = true;
    $("lookup").hidden = false;
    beep("ok");  // a tap: lets the page play sounds from now on
    if (!$("video").srcObject) startCamera(); else $("camera").hidden = false;
  }

  // --- look-up ----------------------------------------------------------------------------
  async function lookUp(event) {
    event.preventDefault();
    const list = $("lookup-results");
    list.textContent = "";
    const q = $("lookup-q").value.trim();
    if (!q) return;
    let items;
    try {
      const response = await call(api + "/lookup?q=" + encodeURIComponent(q), { method: "GET" });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : response.status);
      items = body.items;
    } catch (error) {
      list.append(Object.assign(document.createElement("li"), { textContent: navigator.onLine ? String(error.message) : S.needsNetwork }));
      return;
    }
    if (!items.length) list.append(Object.assign(document.createElement("li"), { textContent: S.noMatches, className: "empty" }));
    for (const person of items) {
      const item = document.createElement("li");
      item.className = "lookup-person";
      const who = document.createElement("span");
      who.textContent = [person.name, person.name_native, person.pinyin].filter(Boolean).join(" · ")
        + " — " + [person.category, person.delegation || person.organisation, person.phone, person.status_label].filter(Boolean).join(" · ");
      item.append(who);
      if (person.arrived_at) {
        item.append(Object.assign(document.createElement("span"), { className: "muted",
          textContent: " " + format(S.arrived, { time: localTime(person.arrived_at), gate: person.arrived_gate }) }));
      }
      const button = Object.assign(document.createElement("button"), { type: "button", className: "button", textContent: S.checkIn });
      button.addEventListener("click", () => {
        busy = true;
        const who = person.press_person_id ? { press_person_id: person.press_person_id }
                                           : { registration_id: person.id };
        answer(Object.assign(who, { gate: localStorage.getItem(GATE_KEY), device: device(),
                 scan_id: newScanId(), scanned_at: new Date().toISOString() }), "manual");
      });
      item.append(button);
      list.append(item);
    }
  }

  // --- start ------------------------------------------------------------------------------
  async function start() {
    store = await C.Store.open(config.slug);
    setNet(navigator.onLine);
    await useManifest(await store.manifest());
    await showQueue();
    document.addEventListener("pointerdown", unlockSound, { once: true });
    $("result-next").addEventListener("click", () => dismiss(true));
    $("result").addEventListener("click", (event) => { if (event.target === $("result")) dismiss(true); });
    $("gate-change").addEventListener("click", chooseGate);
    $("gate-choices").addEventListener("click", (event) => {
      if (event.target.dataset.gate) gateChosen(event.target.dataset.gate);
    });
    $("gate-chooser").addEventListener("submit", (event) => { event.preventDefault(); gateChosen($("gate-input").value); });
    $("lookup-form").addEventListener("submit", lookUp);
    window.addEventListener("online", () => { setNet(true); sync(); });
    window.addEventListener("offline", () => setNet(false));
    const gate = localStorage.getItem(GATE_KEY);
    if (gate) {
      $("gate-name").textContent = gate;
      $("lookup").hidden = false;
      startCamera();
    } else {
      chooseGate();
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.worker, { scope: config.scope }).catch(() => {});
    }
    await refreshManifest();
    sync();
    setInterval(() => { sync(); }, 10000);
    setInterval(refreshManifest, 60000);
    document.body.dataset.scannerReady = "1";
  }

  start();
})();
