// Local LinkedIn 2026 login: a React-like form without names; the real button is the one whose text is "Sign in".
(function () {
  "use strict";
  var form = document.querySelector("form[data-react-form]");
  if (!form) return;
  form.querySelectorAll("button.sso-button").forEach(function (b) {
    b.addEventListener("click", function () { location.href = "/login?sso=unavailable"; });
  });
  form.querySelector("button.sign-in-form__submit-btn").addEventListener("click", function () {
    var data = new URLSearchParams();
    form.querySelectorAll("input[data-field]").forEach(function (input) {
      data.append(input.getAttribute("data-field"), input.value);
    });
    var real = document.createElement("form");
    real.method = "post";
    real.action = form.getAttribute("action");
    data.forEach(function (value, key) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = key;
      input.value = value;
      real.appendChild(input);
    });
    document.body.appendChild(real);
    real.submit();
  });
})();
