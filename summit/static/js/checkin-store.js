/* Check-in without network: the manifest, the queue of scans and this phone's arrivals in
   IndexedDB, and the badge token verified in the browser with the summit's Ed25519 key.

   Token layout (see summit/services/badges/tokens.py), base64url without padding:
   1 byte format (1) | 4 bytes key id | 8 bytes badge ref | 2 bytes version | 64 bytes signature
   over the first 15 bytes. */
(function () {
  "use strict";

  const DB_NAME = "summit-checkin";
  const HEADER = 15;
  const LENGTH = HEADER + 64;
  const TOKEN = /^[A-Za-z0-9_-]{106}$/;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function openDb() {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("manifests", { keyPath: "summit" });
      const queue = db.createObjectStore("queue", { keyPath: "scan_id" });
      queue.createIndex("summit", "summit");
      db.createObjectStore("arrivals", { keyPath: "key" });
    };
    return request(req);
  }

  class Store {
    constructor(db, slug) { this.db = db; this.slug = slug; }

    static async open(slug) { return new Store(await openDb(), slug); }

    tx(name, mode) { return this.db.transaction(name, mode).objectStore(name); }

    async manifest() { return (await request(this.tx("manifests").get(this.slug))) || null; }

    saveManifest(manifest) { return request(this.tx("manifests", "readwrite").put(manifest)); }

    enqueue(scan) {
      return request(this.tx("queue", "readwrite").put(Object.assign({ summit: this.slug }, scan)));
    }

    async queued() {
      const all = await request(this.tx("queue").index("summit").getAll(this.slug));
      return all.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at));
    }

    dequeue(scanId) { return request(this.tx("queue", "readwrite").delete(scanId)); }

    arrival(ref) { return request(this.tx("arrivals").get(this.slug + ":" + ref)); }

    async noteArrival(ref, at, gate) {
      if (!(await this.arrival(ref))) {
        await request(this.tx("arrivals", "readwrite").put({ key: this.slug + ":" + ref, at, gate }));
      }
    }
  }

  function fromBase64Url(text) {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - text.length % 4) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function toBase64Url(bytes) {
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* The badge ref and version a token names, or null when it is not a token at all. */
  function decode(token) {
    if (typeof token !== "string" || !TOKEN.test(token)) return null;
    const raw = fromBase64Url(token);
    if (raw.length !== LENGTH || raw[0] !== 1 || toBase64Url(raw) !== token) return null;
    return { raw, keyId: hex(raw.subarray(1, 5)), ref: hex(raw.subarray(5, 13)),
             version: (raw[13] << 8) | raw[14] };
  }

  async function importKey(manifest) {
    return crypto.subtle.importKey("raw", fromBase64Url(manifest.public_key), { name: "Ed25519" },
                                   false, ["verify"]);
  }

  /* The answer a gate gives from the manifest alone: the same results as the server's. */
  async function verifyOffline(token, manifest, key, store, salonId) {
    const claims = decode(token);
    if (!claims || claims.keyId !== manifest.key_id) return { result: "invalid" };
    const signed = await crypto.subtle.verify({ name: "Ed25519" }, key,
                                              claims.raw.subarray(HEADER), claims.raw.subarray(0, HEADER));
    if (!signed) return { result: "invalid" };
    const refused = (manifest.refused || {})[claims.ref];
    if (refused) return { result: refused, ref: claims.ref };
    const known = manifest.byRef[claims.ref];
    if (known && claims.version < known.version) return { result: "revoked", ref: claims.ref, holder: known.holder };
    const holder = known ? known.holder : null;
    const salon = salonId ? (manifest.salons || {})[salonId] : null;
    // At a salon's door "already in" means in this salon; elsewhere, at the summit.
    const seenKey = salon ? "salon" + salonId + ":" + claims.ref : claims.ref;
    const answer = { ref: claims.ref, key: seenKey, holder, unknown: !known };
    if (salon) answer.salon = { title: salon.title, booked: salon.booked.includes(claims.ref) };
    const seen = (store && await store.arrival(seenKey)) || (salon ? salon.attended : manifest.arrived || {})[claims.ref];
    if (seen) return Object.assign(answer, { result: "duplicate", first_scanned_at: seen.at, first_gate: seen.gate });
    return Object.assign(answer, { result: "ok" });
  }

  function indexManifest(manifest) {
    manifest.byRef = {};
    for (const badge of manifest.badges) manifest.byRef[badge.ref] = badge;
    return manifest;
  }

  window.SummitCheckin = { Store, decode, importKey, verifyOffline, indexManifest };
})();
