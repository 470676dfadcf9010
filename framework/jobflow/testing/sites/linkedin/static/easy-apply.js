// Local LinkedIn Easy Apply: the multi-step modal of sites/README.md §1.5, optionally inside an open shadow root.
(function () {
  "use strict";
  var ERR = {
    text: "Please enter a valid answer", select: "Please make a selection", radio: "Please make a selection",
    checkbox: "Please make a selection", file: "Upload a file in DOC, DOCX or PDF format, up to 5 MB"
  };

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function host(shadow) {
    var old = document.getElementById("interop-outlet") || document.getElementById("artdeco-modal-outlet");
    if (old) old.remove();
    var outlet = document.createElement("div");
    if (shadow) {
      outlet.id = "interop-outlet";
      outlet.setAttribute("data-testid", "interop-shadowdom");
      outlet.style.cssText = "position:fixed;inset:0;z-index:1000";
      document.body.appendChild(outlet);
      return { outlet: outlet, root: outlet.attachShadow({ mode: "open" }) };
    }
    outlet.id = "artdeco-modal-outlet";
    document.body.appendChild(outlet);
    return { outlet: outlet, root: outlet };
  }

  function fieldId(jobId, f) {
    var suffix = f.type === "numeric" ? "-numeric" : f.type === "phone" ? "-phoneNumber-nationalNumber" : "";
    return "jobsApplyForm-" + jobId + "-" + f.id + suffix;
  }

  function renderField(jobId, f, value) {
    var id = fieldId(jobId, f);
    var req = f.required ? " required aria-required=\"true\"" : "";
    var label = esc(f.label);
    var inner;
    if (f.type === "select") {
      var opts = ["Select an option"].concat(f.options).map(function (o) {
        return "<option value=\"" + esc(o) + "\"" + (o === value ? " selected" : "") + ">" + esc(o) + "</option>";
      }).join("");
      inner = "<div data-test-text-entity-list-form-component><label class=\"fb-dash-form-element__label\" for=\"" + id +
        "\" data-test-text-entity-list-form-title><span>" + label + "</span></label><select id=\"" + id +
        "\" class=\"fb-dash-form-element__select-dropdown\" data-test-text-entity-list-form-select" + req + ">" + opts + "</select></div>";
    } else if (f.type === "radio") {
      inner = "<fieldset data-test-form-builder-radio-button-form-component=\"true\"><legend><span data-test-form-builder-radio-button-form-component__title><span aria-hidden=\"true\">" +
        label + "</span><span class=\"visually-hidden\">" + label + "</span></span></legend>" +
        f.options.map(function (o, n) {
          return "<div class=\"fb-text-selectable__option\"><input type=\"radio\" class=\"fb-form-element__checkbox\" name=\"" + id + "\" id=\"" + id + "-" + n +
            "\" value=\"" + esc(o) + "\"" + (o === value ? " checked" : "") + req + "><label for=\"" + id + "-" + n +
            "\" data-test-text-selectable-option__label=\"" + esc(o) + "\">" + esc(o) + "</label></div>";
        }).join("") + "</fieldset>";
    } else if (f.type === "checkbox") {
      inner = "<fieldset data-test-checkbox-form-component=\"true\"><legend><span>" + label + "</span></legend><div class=\"fb-text-selectable__option\"><input type=\"checkbox\" id=\"" +
        id + "\"" + (value ? " checked" : "") + req + "><label for=\"" + id + "\" data-test-text-selectable-option__label>" + label + "</label></div></fieldset>";
    } else if (f.type === "textarea") {
      inner = "<div data-test-multiline-text-form-component><label class=\"artdeco-text-input--label\" for=\"" + id + "\">" + label +
        "</label><textarea id=\"" + id + "\" class=\"artdeco-text-input--input\"" + req + ">" + esc(value || "") + "</textarea></div>";
    } else {
      var cls = f.type === "date" ? "artdeco-datepicker__input artdeco-text-input--input" : "artdeco-text-input--input";
      var extra = f.type === "date" ? " placeholder=\"mm/dd/yyyy\"" : "";
      inner = "<div data-test-single-line-text-form-component><div class=\"artdeco-text-input--container ember-view\"><label class=\"artdeco-text-input--label\" for=\"" +
        id + "\">" + label + "</label><input class=\"" + cls + "\" id=\"" + id + "\" type=\"text\" value=\"" + esc(value || "") + "\"" + extra + req + "></div></div>";
    }
    return "<div class=\"fb-dash-form-element\" data-test-form-element data-field=\"" + esc(f.id) + "\">" + inner + "</div>";
  }

  function readField(modal, jobId, f) {
    var id = fieldId(jobId, f);
    if (f.type === "radio") {
      var checked = Array.prototype.find.call(modal.querySelectorAll("input[type=radio]"), function (r) { return r.name === id && r.checked; });
      return checked ? checked.value : "";
    }
    var el = modal.querySelector("[id=\"" + id + "\"]");
    if (!el) return "";
    if (f.type === "checkbox") return el.checked;
    if (f.type === "select") return el.value === "Select an option" ? "" : el.value;
    return el.value.trim();
  }

  function problem(f, value) {
    if (f.type === "numeric") {
      if (value === "" && !f.required) return "";
      var n = /^\d+$/.test(value) ? parseInt(value, 10) : NaN;
      return isNaN(n) || n < f.min || n > f.max ? "Enter a whole number between " + f.min + " and " + f.max : "";
    }
    if (!f.required) return "";
    if (f.type === "checkbox") return value ? "" : ERR.checkbox;
    if (f.type === "phone") return /^[0-9 ()+-]{6,}$/.test(value) ? "" : ERR.text;
    if (value === "") return ERR[f.type] || ERR.text;
    return "";
  }

  function open(jobId, button) {
    fetch("/jobs/api/easy-apply/" + jobId, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (form) { start(form, button); });
  }

  function start(form, button) {
    var place = host(form.shadow);
    var state = { step: 0, answers: {}, resumes: form.resumes.slice(), resume: form.resumes.length ? form.resumes[0].name : "" };
    form.steps.forEach(function (s) { s.fields.forEach(function (f) { if (f.prefill) state.answers[f.id] = f.prefill; }); });
    var wrap = document.createElement("div");
    wrap.className = "artdeco-modal-overlay artdeco-modal-overlay--layer-default";
    wrap.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.6);display:flex;align-items:center;justify-content:center;z-index:1000";
    place.root.appendChild(wrap);
    var modal = document.createElement("div");
    modal.setAttribute("role", "dialog");
    modal.setAttribute("data-test-modal", "");
    modal.setAttribute("tabindex", "-1");
    modal.style.cssText = "background:#fff;width:640px;max-height:90vh;overflow:auto;padding:16px";
    if (form.shadow) {
      modal.className = "artdeco-modal artdeco-modal--layer-default";
      modal.setAttribute("aria-label", "Apply to " + form.company);
    } else {
      modal.className = "artdeco-modal artdeco-modal--layer-default jobs-easy-apply-modal";
      modal.setAttribute("aria-labelledby", "jobs-apply-header");
    }
    wrap.appendChild(modal);
    function close() { place.outlet.remove(); }
    function dismissButton() {
      return "<button class=\"artdeco-modal__dismiss artdeco-button artdeco-button--circle\" data-test-modal-close-btn aria-label=\"Dismiss\" type=\"button\">×</button>";
    }
    function header() {
      return dismissButton() + "<div class=\"artdeco-modal__header ember-view\"><h2 id=\"jobs-apply-header\" class=\"t-20 t-bold\">Apply to " + esc(form.company) + "</h2></div>";
    }

    if (form.limit) {
      modal.innerHTML = header() + "<div class=\"artdeco-modal__content\"><div class=\"artdeco-inline-feedback artdeco-inline-feedback--error\" role=\"alert\"><span class=\"artdeco-inline-feedback__message\">" +
        esc(form.limitMessage) + "</span></div></div>";
      modal.querySelector("[data-test-modal-close-btn]").addEventListener("click", close);
      return;
    }

    function resumeStep() {
      var cards = state.resumes.map(function (r, n) {
        var selected = r.name === state.resume;
        return "<div class=\"jobs-document-upload-redesign-card__container" + (selected ? " jobs-document-upload-redesign-card__container--selected" : "") +
          "\"><h3 class=\"jobs-document-upload-redesign-card__file-name\">" + esc(r.name) + "</h3><p>" + esc(r.size) + " · " + esc(r.lastUsed) +
          "</p><input type=\"radio\" id=\"jobsDocumentCardToggle-" + n + "\" name=\"resume-card\" value=\"" + esc(r.name) + "\"" + (selected ? " checked" : "") +
          "><label for=\"jobsDocumentCardToggle-" + n + "\">Select</label></div>";
      }).join("");
      return "<p class=\"t-14\">Be sure to include an updated resume</p>" + cards +
        "<div class=\"js-jobs-document-upload__container\"><label class=\"jobs-document-upload__upload-button artdeco-button artdeco-button--secondary\" for=\"jobs-document-upload-file-input-upload-resume\">Upload resume</label>" +
        "<input id=\"jobs-document-upload-file-input-upload-resume\" name=\"file\" type=\"file\" class=\"hidden\" style=\"display:none\" accept=\"application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/pdf\">" +
        "<p class=\"jobs-document-upload__format-text\">DOC, DOCX, PDF (5 MB)</p><div class=\"upload-error\"></div></div>";
    }

    function review() {
      var rows = [];
      form.steps.forEach(function (s) {
        s.fields.forEach(function (f) {
          var v = state.answers[f.id];
          if (v !== undefined && v !== "") rows.push("<dt>" + esc(f.label) + "</dt><dd>" + esc(v === true ? "Yes" : v) + "</dd>");
        });
        if (s.resume) rows.push("<dt>Resume</dt><dd>" + esc(state.resume) + "</dd>");
      });
      return "<div class=\"jobs-easy-apply-content__review\"><dl>" + rows.join("") + "</dl></div>";
    }

    function draw() {
      var step = form.steps[state.step];
      var last = state.step === form.steps.length - 1;
      var pct = Math.round(100 * state.step / Math.max(1, form.steps.length - 1));
      var content = step.resume ? resumeStep() : step.review ? review() : step.fields.map(function (f) {
        return renderField(form.jobId, f, state.answers[f.id]);
      }).join("");
      var next = form.steps[state.step + 1];
      var primary = last ? ["Submit application", "Submit application"] :
        next && next.review ? ["Review", "Review your application"] : ["Next", "Continue to next step"];
      var follow = last ? "<input id=\"follow-company-checkbox\" type=\"checkbox\" checked><label for=\"follow-company-checkbox\">Follow " +
        esc(form.company) + " to stay up to date with their page.</label>" : "";
      modal.innerHTML = header() + "<div class=\"artdeco-modal__content jobs-easy-apply-modal__content\"><div role=\"region\" aria-label=\"Your job application progress is at " +
        pct + " percent.\"><progress class=\"artdeco-completeness-meter-linear__progress-element\" max=\"100\" value=\"" + pct + "\"></progress><form novalidate><h3 class=\"t-16 t-bold\">" +
        esc(step.heading) + "</h3>" + content + "<footer>" + follow + (state.step > 0 ? "<button class=\"artdeco-button artdeco-button--secondary\" type=\"button\" aria-label=\"Back to previous step\" data-back>Back</button>" : "") +
        "<button class=\"artdeco-button artdeco-button--2 artdeco-button--primary ember-view\" type=\"button\" aria-label=\"" + primary[1] + "\" data-primary><span class=\"artdeco-button__text\">" +
        primary[0] + "</span></button></footer></form></div></div>";
      modal.querySelector("[data-test-modal-close-btn]").addEventListener("click", confirmDismiss);
      var back = modal.querySelector("[data-back]");
      if (back) back.addEventListener("click", function () { save(step); state.step -= 1; draw(); });
      modal.querySelector("[data-primary]").addEventListener("click", function () { advance(step, last); });
      if (step.resume) {
        modal.querySelectorAll("input[name=resume-card]").forEach(function (r) {
          r.addEventListener("change", function () { state.resume = r.value; draw(); });
        });
        modal.querySelector("input[name=file]").addEventListener("change", function (e) { upload(e.target.files[0]); });
      }
    }

    function upload(file) {
      if (!file) return;
      var ok = /\.(pdf|docx?)$/i.test(file.name) && file.size <= 5 * 1024 * 1024;
      if (!ok) {
        modal.querySelector(".upload-error").innerHTML = "<div class=\"artdeco-inline-feedback artdeco-inline-feedback--error\" role=\"alert\"><span class=\"artdeco-inline-feedback__message\">" + ERR.file + "</span></div>";
        return;
      }
      state.resumes.push({ name: file.name, size: Math.max(1, Math.round(file.size / 1024)) + " KB", lastUsed: "Uploaded just now" });
      state.resume = file.name;
      draw();
    }

    function save(step) {
      step.fields.forEach(function (f) { state.answers[f.id] = readField(modal, form.jobId, f); });
    }

    function advance(step, last) {
      save(step);
      var bad = false;
      step.fields.forEach(function (f) {
        var message = problem(f, state.answers[f.id]);
        var element = modal.querySelector("[data-field=\"" + f.id + "\"]");
        var old = element.querySelector(".artdeco-inline-feedback--error");
        if (old) old.remove();
        if (message) {
          bad = true;
          element.insertAdjacentHTML("beforeend", "<div class=\"artdeco-inline-feedback artdeco-inline-feedback--error ember-view\" role=\"alert\"><span class=\"artdeco-inline-feedback__message\">" + message + "</span></div>");
        }
      });
      if (step.resume && !state.resume) bad = true;
      if (bad) return;
      if (!last) { state.step += 1; draw(); return; }
      submit();
    }

    function submit() {
      var answers = {};
      form.steps.forEach(function (s) { s.fields.forEach(function (f) { answers[f.label] = state.answers[f.id]; }); });
      var follow = modal.querySelector("#follow-company-checkbox");
      fetch("/jobs/api/easy-apply/" + form.jobId + "/submit", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ answers: answers, resume: state.resume, follow_company: follow ? follow.checked : false })
      }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
        .then(function (res) {
          if (res.status === 429) {
            modal.innerHTML = header() + "<div class=\"artdeco-inline-feedback artdeco-inline-feedback--error\" role=\"alert\"><span class=\"artdeco-inline-feedback__message\">" + esc(res.body.message) + "</span></div>";
            modal.querySelector("[data-test-modal-close-btn]").addEventListener("click", close);
            return;
          }
          modal.innerHTML = dismissButton() + "<div class=\"artdeco-modal__header\"><h2 id=\"post-apply-modal\">Application sent</h2></div><div class=\"artdeco-modal__content\"><p class=\"jpac-modal-header\">Your application was sent to " +
            esc(form.company) + "!</p></div><div class=\"artdeco-modal__actionbar\"><button class=\"artdeco-button artdeco-button--primary\" type=\"button\" aria-label=\"Done\" data-done><span class=\"artdeco-button__text\">Done</span></button></div>";
          modal.querySelector("[data-test-modal-close-btn]").addEventListener("click", close);
          modal.querySelector("[data-done]").addEventListener("click", close);
          if (button && button.parentNode) {
            button.parentNode.innerHTML = "<div class=\"jobs-s-apply__application-link\" id=\"jobs-apply-see-application-link\">Applied just now <a href=\"#\">See application</a></div>";
          }
        });
    }

    function confirmDismiss() {
      var dialog = document.createElement("div");
      dialog.setAttribute("role", "alertdialog");
      dialog.className = "artdeco-modal artdeco-modal--layer-confirmation";
      dialog.style.cssText = "position:fixed;top:30%;left:35%;background:#fff;padding:16px;z-index:1001";
      dialog.innerHTML = "<h2 id=\"dialog-header\">Save this application?</h2><p>Save to return to this application later.</p><div class=\"artdeco-modal__actionbar\">" +
        "<button class=\"artdeco-modal__confirm-dialog-btn artdeco-button artdeco-button--secondary\" type=\"button\"><span class=\"artdeco-button__text\">Discard</span></button>" +
        "<button class=\"artdeco-modal__confirm-dialog-btn artdeco-button artdeco-button--primary\" type=\"button\"><span class=\"artdeco-button__text\">Save</span></button></div>";
      wrap.appendChild(dialog);
      dialog.querySelectorAll("button").forEach(function (b) { b.addEventListener("click", close); });
    }

    draw();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#jobs-apply-button-id");
    if (!button) return;
    event.preventDefault();
    open(button.getAttribute("data-job-id"), button);
  });
})();
