// A dedicated worker (and, as sw.js, a service worker) reporting what a page's workers see.
async function probe(source) {
  const nav = self.navigator;
  const out = {
    source,
    ua: nav.userAgent,
    platform: nav.platform,
    languages: Array.from(nav.languages || []),
    hardwareConcurrency: nav.hardwareConcurrency,
    deviceMemory: nav.deviceMemory,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    brands: null,
    fullVersionList: null,
    uaPlatform: null,
    webgl: null,
    headers: null,
    cdpLeak: false,
  };
  if (nav.userAgentData) {
    out.brands = nav.userAgentData.brands;
    const he = await nav.userAgentData.getHighEntropyValues(["fullVersionList", "platform"]);
    out.fullVersionList = he.fullVersionList;
    out.uaPlatform = he.platform;
  }
  try {
    const gl = new OffscreenCanvas(1, 1).getContext("webgl");
    const ext = gl && gl.getExtension("WEBGL_debug_renderer_info");
    if (ext) {
      out.webgl = {
        vendor: gl.getParameter(ext.UNMASKED_VENDOR_WEBGL),
        renderer: gl.getParameter(ext.UNMASKED_RENDERER_WEBGL),
      };
    }
  } catch (error) {
    out.webgl = { error: String(error) };
  }
  try {
    out.headers = await (await fetch("/echo?from=" + source)).json();
  } catch (error) {
    out.headers = { error: String(error) };
  }
  let reads = 0;
  class ProbeError extends Error {
    get name() {
      reads += 1;
      return "ProbeError";
    }
  }
  console.debug(new ProbeError("probe"));
  out.cdpLeak = reads > 1;
  return out;
}

if (typeof ServiceWorkerGlobalScope !== "undefined" && self instanceof ServiceWorkerGlobalScope) {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener("message", (event) => {
    probe("service").then((out) => event.ports[0].postMessage(out));
  });
} else {
  self.onmessage = () => probe("worker").then((out) => self.postMessage(out));
}
