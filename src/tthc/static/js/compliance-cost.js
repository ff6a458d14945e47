// Recomputes the compliance cost while the officer types, through POST /api/v1/compliance-cost.
// Progressive enhancement: without JavaScript the form still computes on "Lưu và tính".
(function () {
  "use strict";
  var form = document.querySelector("form[data-compliance-cost]");
  var output = document.getElementById("cost-result");
  if (!form || !output || !window.fetch) { return; }

  var number = new Intl.NumberFormat("vi-VN");
  var timer = null;

  function values(name) {
    return Array.prototype.map.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
      return el.value.trim();
    });
  }
  function plain(text) { return text.replace(/\./g, "").replace(/,/g, "."); }

  function payload() {
    var activities = [], others = [];
    var names = values("activity_name"), hours = values("activity_hours");
    names.forEach(function (name, i) {
      if (name || hours[i]) { activities.push({ name: name, hours: plain(hours[i] || "0") }); }
    });
    var otherNames = values("other_name"), amounts = values("other_amount_vnd");
    otherNames.forEach(function (name, i) {
      if (name || amounts[i]) { others.push({ name: name, amount_vnd: parseInt(plain(amounts[i] || "0"), 10) }); }
    });
    return {
      hourly_value_vnd: parseInt(plain(form.elements.hourly_value_vnd.value || "0"), 10),
      activities: activities,
      other_costs: others,
      fees_vnd: parseInt(plain(form.elements.fees_vnd.value || "0"), 10),
      filings_per_subject_per_year: plain(form.elements.filings_per_subject_per_year.value || "0"),
      subjects_per_year: plain(form.elements.subjects_per_year.value || "0")
    };
  }

  function show(result) {
    ["per_filing_vnd", "labour_vnd", "per_year_vnd"].forEach(function (key) {
      var slot = output.querySelector("[data-out='" + key + "']");
      if (slot) { slot.textContent = number.format(result[key]); }
    });
    output.classList.remove("is-invalid");
    var note = output.querySelector("[data-out='error']");
    if (note) { note.textContent = ""; }
  }

  function showError(message) {
    output.classList.add("is-invalid");
    var note = output.querySelector("[data-out='error']");
    if (note) { note.textContent = message; }
  }

  function recompute() {
    fetch(form.getAttribute("data-compliance-cost"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(payload())
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok) { show(answer.body); }
      else { showError("Chưa tính được: " + (answer.body.detail || "kiểm tra các số đã nhập.")); }
    }).catch(function () { /* offline: the submit button still computes */ });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(recompute, 300);
  });
})();
