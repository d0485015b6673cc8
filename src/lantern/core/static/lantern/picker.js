/* Searchable pickers (core/pickers.py). Without this file each picker is a text input with a <datalist> and works
   as it is; with it, the datalist becomes a listbox under the input (ARIA 1.2 combobox), filtered as one types by
   name or code, accent and case blind. Several values are separated by commas: the listbox completes the last one.
   A region picker follows the country chosen in the form's country picker. No dependency, no inline script. */
(function () {
  "use strict";
  var MAX_SHOWN = 8;
  // English aliases ("Farsi", "Sorani") help readers of a Latin script; to others they are foreign words. They are
  // still matched when typed.
  var LATIN_READER = /^(en|es|fr)\b/.test(document.documentElement.lang || "en");
  var counter = 0;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function lastPart(input) {
    if (!input.hasAttribute("data-multiple")) { return input.value; }
    var parts = input.value.split(/[,،;]/);
    return parts[parts.length - 1];
  }

  function options(list) {
    return Array.prototype.map.call(list.options, function (option) {
      return {
        name: option.value,
        code: option.getAttribute("data-code") || "",
        other: option.getAttribute("data-other-names") || ""
      };
    });
  }

  function enhance(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    counter += 1;
    var box = document.createElement("ul");
    box.id = "picker-listbox-" + counter;
    box.className = "picker-listbox";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    input.insertAdjacentElement("afterend", box);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);
    var active = -1;

    function close() {
      box.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(item) {
      if (input.hasAttribute("data-multiple")) {
        var parts = input.value.split(/[,،;]/).map(function (p) { return p.trim(); }).filter(Boolean);
        if (parts.length && fold(lastPart(input)) !== "") { parts.pop(); }
        parts.push(item.getAttribute("data-name"));
        input.value = parts.join(", ");
      } else {
        input.value = item.getAttribute("data-name");
      }
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    }

    function mark(index) {
      var items = box.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function show() {
      var typed = fold(lastPart(input));
      box.textContent = "";
      active = -1;
      if (!typed) { close(); return; }
      var starts = [];
      var contains = [];
      options(list).forEach(function (option) {
        var name = fold(option.name);
        var other = fold(option.other);
        if (name.indexOf(typed) === 0 || fold(option.code) === typed) { starts.push(option); }
        else if (name.indexOf(typed) > 0 || (other && other.indexOf(typed) >= 0)) { contains.push(option); }
      });
      starts.concat(contains).slice(0, MAX_SHOWN).forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = box.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-name", option.name);
        // The name first, in the reader's language and direction; the code after it, small, left to right, so that
        // "اليونان GR" keeps the name at the start of the line in Arabic.
        var name = document.createElement("bdi");
        name.textContent = option.name;
        item.appendChild(name);
        if (option.other && LATIN_READER) { item.appendChild(document.createTextNode(" (" + option.other + ")")); }
        if (option.code) {
          var code = document.createElement("span");
          code.className = "picker-code";
          code.setAttribute("dir", "ltr");
          code.textContent = option.code;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(code);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(item); });
        box.appendChild(item);
      });
      box.hidden = !box.children.length;
      input.setAttribute("aria-expanded", box.hidden ? "false" : "true");
    }

    input.addEventListener("input", show);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { if (box.hidden) { show(); } mark(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp" && !box.hidden) { mark(active - 1); event.preventDefault(); }
      else if (event.key === "Enter" && !box.hidden && active >= 0) {
        choose(box.querySelectorAll("[role=option]")[active]);
        event.preventDefault();
      } else if (event.key === "Escape" && !box.hidden) { close(); event.stopPropagation(); }
    });
    return list;
  }

  function followCountry(input, list) {
    var form = input.form;
    var data = document.getElementById(list.id + "-by-country");
    var country = form && form.elements.namedItem(input.getAttribute("data-country-field"));
    if (!data || !country || !country.id) { return; }
    var regions = JSON.parse(data.textContent);
    var countryList = document.getElementById(country.id + "-options");
    function refill() {
      var code = country.value.trim().toUpperCase();
      if (countryList) {
        Array.prototype.forEach.call(countryList.options, function (option) {
          if (fold(option.value) === fold(country.value)) { code = option.getAttribute("data-code"); }
        });
      }
      list.textContent = "";
      (regions[code] || []).forEach(function (region) {
        var option = document.createElement("option");
        option.value = region;
        list.appendChild(option);
      });
    }
    country.addEventListener("change", refill);
    if (country.value) { refill(); }
  }

  document.querySelectorAll("input[data-picker]").forEach(function (input) {
    var list = enhance(input);
    if (list && input.hasAttribute("data-country-field")) { followCountry(input, list); }
  });
})();
