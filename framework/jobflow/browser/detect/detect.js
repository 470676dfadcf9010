// jobflow's local detection page: what a site's scripts can see. Every check reports
// {name, passed, detail}; the results are POSTed as JSON to /results. Nothing is put on window.
(() => {
  "use strict";
  const results = [];
  const check = (name, passed, detail) => results.push({ name, passed: !!passed, detail: String(detail) });
  const nativeRe = /^function [\w$ ]*\(\) \{\s*\[native code\]\s*\}$/;
  const toStr = Function.prototype.toString;
  const isNative = (fn) => typeof fn === "function" && nativeRe.test(toStr.call(fn)) && !("prototype" in fn);
  const getter = (proto, name) => (Object.getOwnPropertyDescriptor(proto, name) || {}).get;
  const withTimeout = (promise, ms, fallback) =>
    Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(fallback), ms))]);
  const headless = (value) => /headless/i.test(JSON.stringify(value || ""));
  const brandText = (list) => (list || []).map((b) => `${b.brand} ${b.version}`).join(", ");
  // The Runtime.enable side channel: with the DevTools protocol's Runtime domain on, serialising a
  // console argument reads an Error's `name` again (a normal Chrome reads it once, for its own log).
  const cdpBait = () => {
    let reads = 0;
    class ProbeError extends Error {
      get name() {
        reads += 1;
        return "ProbeError";
      }
    }
    console.debug(new ProbeError("probe"));
    return reads > 1;
  };

  async function workerInfo() {
    const worker = new Worker("/worker.js");
    const answer = new Promise((resolve) => (worker.onmessage = (event) => resolve(event.data)));
    worker.postMessage(null);
    const out = await withTimeout(answer, 5000, null);
    worker.terminate();
    return out;
  }

  async function serviceWorkerInfo() {
    if (!navigator.serviceWorker) return null;
    await navigator.serviceWorker.register("/worker.js", { scope: "/" });
    const reg = await withTimeout(navigator.serviceWorker.ready, 5000, null);
    if (!reg || !reg.active) return null;
    const channel = new MessageChannel();
    const answer = new Promise((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
    reg.active.postMessage(null, [channel.port2]);
    return withTimeout(answer, 5000, null);
  }

  function webglInfo() {
    const gl = document.createElement("canvas").getContext("webgl");
    const ext = gl && gl.getExtension("WEBGL_debug_renderer_info");
    if (!ext) return null;
    return { vendor: gl.getParameter(ext.UNMASKED_VENDOR_WEBGL), renderer: gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) };
  }

  function proxyFreeToString() {
    // A Proxy or wrapper around Function.prototype.toString shows extra frames in the TypeError's stack.
    try {
      toStr.call(null);
      return "no TypeError";
    } catch (error) {
      const frames = String(error.stack).split("\n").slice(1);
      const before = frames.slice(0, frames.findIndex((line) => line.includes("detect.js")));
      const ok = before.length === 1 && /at (Function\.)?toString \(<anonymous>\)/.test(before[0]);
      return ok ? "" : before.join(" | ");
    }
  }

  function timezoneOffsetMatches(timeZone) {
    const now = new Date();
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(now);
    const name = (parts.find((p) => p.type === "timeZoneName") || {}).value || "";
    const match = name.match(/GMT([+-])(\d\d):(\d\d)/);
    const minutes = match ? (match[1] === "+" ? 1 : -1) * (+match[2] * 60 + +match[3]) : 0;
    return -now.getTimezoneOffset() === minutes;
  }

  async function run() {
    const nav = navigator;
    const echo = await (await fetch("/echo?from=page")).json();
    const header = (name) => echo[name.toLowerCase()] || "";
    const uaData = nav.userAgentData;
    const high = uaData
      ? await uaData.getHighEntropyValues(["architecture", "bitness", "fullVersionList", "model", "platform", "platformVersion", "uaFullVersion"])
      : null;
    const uaMajor = (nav.userAgent.match(/Chrome\/(\d+)/) || [])[1];
    const [worker, service] = await Promise.all([workerInfo(), serviceWorkerInfo().catch(() => null)]);
    const frame = document.getElementById("probe").contentWindow;

    // -- automation flags
    check("webdriver_false", nav.webdriver === false, `navigator.webdriver = ${nav.webdriver}`);
    check("webdriver_getter_native", isNative(getter(Navigator.prototype, "webdriver")) && !Object.getOwnPropertyNames(nav).includes("webdriver"), "Navigator.prototype.webdriver getter");
    check("navigator_no_own_properties", Object.getOwnPropertyNames(nav).length === 0, Object.getOwnPropertyNames(nav).join(",") || "none");
    const suspicious = /^(\$?cdc_|__pw|__playwright|_phantom|callPhantom|__nightmare|domAutomation|__webdriver|__selenium|__driver|__fxdriver|_Selenium|__puppeteer|webdriver|__stealth)/i;
    const extra = [...Object.getOwnPropertyNames(window), ...Object.getOwnPropertyNames(document)].filter((n) => suspicious.test(n));
    check("no_automation_globals", extra.length === 0, extra.join(",") || "none");
    const docOwn = Object.getOwnPropertyNames(document).filter((n) => n !== "location");
    check("document_no_own_properties", docOwn.length === 0, docOwn.join(",") || "none");
    const nonNative = Object.getOwnPropertyNames(window).filter((n) => {
      const d = Object.getOwnPropertyDescriptor(window, n);
      return d && typeof d.value === "function" && !nativeRe.test(toStr.call(d.value));
    });
    check("window_functions_native", nonNative.length === 0, nonNative.join(",") || "none");

    // -- user agent, everywhere
    check("ua_no_headless", !headless(nav.userAgent) && !headless(nav.appVersion), nav.userAgent);
    check("http_ua_no_headless", !headless(header("user-agent")) && header("user-agent") === nav.userAgent, header("user-agent"));
    check("sec_ch_ua_header", header("sec-ch-ua") !== "" && !headless(header("sec-ch-ua")), header("sec-ch-ua") || "missing");
    check("ua_data_brands", !!uaData && uaData.brands.some((b) => /Chrom/.test(b.brand)) && !headless(uaData.brands), uaData ? brandText(uaData.brands) : "missing");
    check("ua_data_high_entropy", !!high && !headless(high.fullVersionList) && high.uaFullVersion.split(".")[0] === uaMajor, high ? `${brandText(high.fullVersionList)}; ${high.uaFullVersion}` : "missing");
    check("ua_version_consistent", !!uaData && uaData.brands.some((b) => /Chrom/.test(b.brand) && b.version === uaMajor), `UA ${uaMajor}; brands ${uaData ? brandText(uaData.brands) : "-"}`);
    const platformOk = !!high && ((high.platform === "Linux" && /Linux/.test(nav.platform) && /Linux/.test(nav.userAgent)) || (high.platform === "macOS" && nav.platform === "MacIntel") || (high.platform === "Windows" && nav.platform === "Win32"));
    check("platform_consistent", platformOk && header("sec-ch-ua-platform") === `"${high.platform}"`, `${nav.platform}; ${high && high.platform}; ${header("sec-ch-ua-platform")}`);
    check("worker_ua", !!worker && worker.ua === nav.userAgent && !headless(worker.headers), worker ? `${worker.ua} / ${worker.headers["user-agent"]}` : "no answer");
    check("worker_ua_data", !!worker && brandText(worker.brands) === brandText(uaData && uaData.brands) && !headless(worker.fullVersionList), worker ? brandText(worker.fullVersionList) : "no answer");
    check("worker_consistent", !!worker && worker.platform === nav.platform && worker.hardwareConcurrency === nav.hardwareConcurrency && worker.languages.join() === nav.languages.join() && worker.timeZone === Intl.DateTimeFormat().resolvedOptions().timeZone && worker.locale === Intl.DateTimeFormat().resolvedOptions().locale, worker ? `${worker.platform} ${worker.hardwareConcurrency} ${worker.languages} ${worker.timeZone} ${worker.locale}` : "no answer");
    check("service_worker_ua", !!service && service.ua === nav.userAgent && !headless(service.headers), service ? `${service.ua} / ${service.headers["user-agent"]}` : "no answer");
    check("service_worker_ua_data", !!service && brandText(service.brands) === brandText(uaData && uaData.brands) && service.uaPlatform === (high && high.platform), service ? `${brandText(service.brands)}; ${service.uaPlatform}` : "no answer");
    check("iframe_consistent", frame.navigator.userAgent === nav.userAgent && frame.navigator.webdriver === false && typeof frame.chrome === "object" && frame.navigator.plugins.length === nav.plugins.length, `${frame.navigator.webdriver} ${typeof frame.chrome}`);

    // -- browser objects a normal Chrome has
    check("window_chrome", typeof window.chrome === "object" && typeof chrome.loadTimes === "function" && typeof chrome.csi === "function" && typeof chrome.app === "object", Object.keys(window.chrome || {}).join(","));
    const plugins = Array.from(nav.plugins);
    check("plugins_present", plugins.length > 0 && nav.plugins instanceof PluginArray && plugins.every((p) => p instanceof Plugin), plugins.map((p) => p.name).join(", "));
    const mimes = Array.from(nav.mimeTypes);
    check("mime_types_consistent", mimes.length > 0 && mimes.every((m) => m instanceof MimeType && plugins.includes(m.enabledPlugin)), mimes.map((m) => m.type).join(", "));
    check("pdf_viewer_consistent", nav.pdfViewerEnabled === plugins.length > 0, `pdfViewerEnabled=${nav.pdfViewerEnabled}`);

    // -- languages, locale, time zone
    const accept = header("accept-language").split(",").map((part) => part.split(";")[0].trim());
    check("languages_present", nav.languages.length > 0 && nav.language === nav.languages[0], nav.languages.join(","));
    check("accept_language_matches", accept.join(",") === nav.languages.join(","), `${header("accept-language")} vs ${nav.languages}`);
    const intl = Intl.DateTimeFormat().resolvedOptions();
    check("intl_locale_matches", intl.locale === nav.language && Intl.NumberFormat().resolvedOptions().locale === nav.language, `${intl.locale} vs ${nav.language}`);
    check("timezone_consistent", !!intl.timeZone && timezoneOffsetMatches(intl.timeZone), `${intl.timeZone}, offset ${new Date().getTimezoneOffset()}`);

    // -- permissions
    const state = (await nav.permissions.query({ name: "notifications" })).state;
    const expected = { default: "prompt", denied: "denied", granted: "granted" }[Notification.permission];
    check("notification_permission_consistent", state === expected, `Notification.permission=${Notification.permission}, query=${state}`);
    check("notification_permission_default", Notification.permission === "default", Notification.permission);

    // -- screen, window, viewport
    check("window_outer_size", outerWidth > 0 && outerHeight > 0, `${outerWidth}x${outerHeight}`);
    // A browser's window holds its viewport plus toolbars (a few px wide at most, 40-200 px tall).
    const dw = outerWidth - innerWidth;
    const dh = outerHeight - innerHeight;
    check("window_larger_than_viewport", dw >= 0 && dw <= 40 && dh >= 40 && dh <= 200, `outer ${outerWidth}x${outerHeight}, inner ${innerWidth}x${innerHeight}`);
    const left = screen.availLeft || 0;
    const top = screen.availTop || 0;
    const fits = screenX >= left && screenY >= top && screenX + outerWidth <= left + screen.availWidth && screenY + outerHeight <= top + screen.availHeight;
    check("screen_holds_window", fits && screen.availWidth <= screen.width && screen.availHeight <= screen.height, `screen ${screen.width}x${screen.height}, work area ${screen.availWidth}x${screen.availHeight}+${left}+${top}, window at ${screenX},${screenY}`);
    check("screen_plausible", screen.width >= 1024 && screen.height >= 600 && [24, 30, 32, 48].includes(screen.colorDepth), `${screen.width}x${screen.height}x${screen.colorDepth}`);
    check("visible_document", document.visibilityState === "visible" && !document.hidden, document.visibilityState);

    // -- devices
    const devices = await nav.mediaDevices.enumerateDevices();
    check("media_devices_present", devices.length > 0, devices.map((d) => d.kind).join(",") || "none");
    check("hardware_plausible", nav.hardwareConcurrency >= 2 && (nav.deviceMemory === undefined || nav.deviceMemory >= 0.25), `${nav.hardwareConcurrency} cores, ${nav.deviceMemory} GB`);

    // -- functions look native
    const inspected = {
      "Function.prototype.toString": toStr,
      "permissions.query": Permissions.prototype.query,
      "enumerateDevices": MediaDevices.prototype.enumerateDevices,
      "getParameter": WebGLRenderingContext.prototype.getParameter,
      "toDataURL": HTMLCanvasElement.prototype.toDataURL,
      "getTimezoneOffset": Date.prototype.getTimezoneOffset,
      "resolvedOptions": Intl.DateTimeFormat.prototype.resolvedOptions,
      "getHighEntropyValues": uaData && Object.getPrototypeOf(uaData).getHighEntropyValues,
    };
    for (const name of ["userAgent", "appVersion", "platform", "languages", "language", "plugins", "mimeTypes", "hardwareConcurrency", "deviceMemory", "userAgentData", "webdriver"]) {
      inspected[`get ${name}`] = getter(Navigator.prototype, name);
    }
    for (const name of ["width", "height", "availWidth", "availHeight", "colorDepth"]) inspected[`get screen.${name}`] = getter(Screen.prototype, name);
    const faked = Object.entries(inspected).filter(([, fn]) => fn !== undefined && !isNative(fn)).map(([n]) => n);
    // chrome.* functions come from a V8 function template: native text, but with a prototype.
    for (const name of ["loadTimes", "csi"]) {
      const fn = window.chrome && chrome[name];
      if (typeof fn !== "function" || !nativeRe.test(toStr.call(fn))) faked.push(`chrome.${name}`);
    }
    check("functions_look_native", faked.length === 0, faked.join(",") || `${Object.keys(inspected).length} functions`);
    const trace = proxyFreeToString();
    check("tostring_not_proxied", trace === "", trace || "clean stack");
    check("tostring_of_tostring", toStr.call(toStr) === "function toString() { [native code] }", toStr.call(toStr));

    // -- the DevTools protocol connection
    check("cdp_runtime_leak", !cdpBait(), "console.debug(error) reads error.name once (twice under Runtime.enable)");
    check("worker_cdp_runtime_leak", !!worker && !worker.cdpLeak, worker ? `leak in worker: ${worker.cdpLeak}` : "no answer");

    // -- graphics (the software renderer on GPU-less hosts is a documented limit)
    const gl = webglInfo();
    check("webgl_present", !!gl, gl ? `${gl.vendor} / ${gl.renderer}` : "no WebGL");
    check("webgl_renderer", !!gl && !/swiftshader|llvmpipe|software/i.test(gl.renderer), gl ? gl.renderer : "no WebGL");
    check("webgl_worker_consistent", !!gl && !!worker && !!worker.webgl && worker.webgl.renderer === gl.renderer && worker.webgl.vendor === gl.vendor, worker && worker.webgl ? JSON.stringify(worker.webgl) : "no worker WebGL");
    return results;
  }

  run()
    .catch((error) => check("page_error", false, error && error.stack ? error.stack : error))
    .then(() => fetch("/results", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(results) }))
    .then(() => (document.getElementById("status").textContent = "done"));
})();
