// A public table's grid (admin/grid.py): move between cells with the keyboard, paste a block
// copied from Excel (tab-separated lines) starting at the focused cell, and post only the
// changed cells as ONE field, so a table of any size stays below Django's field limit.
// An external file: the admin's CSP allows no inline script.
(function () {
  "use strict";

  function blocks() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-grid-block]"));
  }

  // The inputs of one block as rows × columns.
  function matrix(block) {
    return Array.prototype.slice.call(block.tBodies[0].rows).map(function (tr) {
      return Array.prototype.slice.call(tr.querySelectorAll("input.grid-cell"));
    });
  }

  function locate(input) {
    var block = input.closest("[data-grid-block]");
    var cells = matrix(block);
    for (var r = 0; r < cells.length; r++) {
      var c = cells[r].indexOf(input);
      if (c >= 0) {
        return { block: block, cells: cells, r: r, c: c };
      }
    }
    return null;
  }

  function focusCell(input) {
    if (input) {
      input.focus();
      input.select();
    }
  }

  // Up and down go on into the block above or below (01表's 收入 then 支出), same column.
  function vertical(at, step) {
    var target = at.cells[at.r + step];
    if (target) {
      return target[Math.min(at.c, target.length - 1)];
    }
    var all = blocks();
    var next = all[all.indexOf(at.block) + step];
    if (!next) {
      return null;
    }
    var cells = matrix(next);
    var row = step > 0 ? cells[0] : cells[cells.length - 1];
    return row ? row[Math.min(at.c, row.length - 1)] : null;
  }

  function atEdge(input, left) {
    var start = input.selectionStart;
    var end = input.selectionEnd;
    if (start === 0 && end === input.value.length) {
      return true; // the whole figure is selected: arrows move, as in Excel
    }
    return left ? start === 0 && end === 0 : start === input.value.length;
  }

  function onKeydown(event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("grid-cell")) {
      return;
    }
    var at = locate(input);
    if (!at) {
      return;
    }
    var target;
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) {
      target = vertical(at, 1);
    } else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) {
      target = vertical(at, -1);
    } else if (event.key === "ArrowLeft" && atEdge(input, true)) {
      target = at.cells[at.r][at.c - 1];
    } else if (event.key === "ArrowRight" && atEdge(input, false)) {
      target = at.cells[at.r][at.c + 1];
    } else if (event.key === "Escape") {
      input.value = input.getAttribute("data-original");
      mark(input);
      input.select();
      return;
    } else {
      return; // Tab and Shift+Tab: the browser's own order is left to right, row by row
    }
    event.preventDefault(); // Enter must not submit the form
    focusCell(target);
  }

  function normal(text) {
    return text.trim();
  }

  // "8" is the stored "8.00", "1,234.5" the stored "1234.50": not a change. The server reads
  // the figures for real (and skips any equal to the stored one); this only marks the cells.
  function number(text) {
    var plain = text.normalize("NFKC").replace(/[\s,]/g, "").replace(/万元$/, "");
    return plain === "" || isNaN(Number(plain)) ? null : Number(plain);
  }

  function isChanged(input) {
    var value = normal(input.value);
    var original = input.getAttribute("data-original");
    if (value === original) {
      return false;
    }
    var a = number(value);
    var b = number(original);
    return a === null || b === null || a !== b;
  }

  function mark(input) {
    input.classList.toggle("changed", isChanged(input));
    status();
  }

  function changedInputs() {
    return Array.prototype.slice
      .call(document.querySelectorAll("input.grid-cell"))
      .filter(isChanged);
  }

  var note = "";

  function status(text) {
    if (text !== undefined) {
      note = text;
    }
    var line = document.querySelector("[data-grid-status]");
    if (!line) {
      return;
    }
    var count = changedInputs().length;
    var pending = count ? "已修改 " + count + " 个数字，尚未保存。" : "";
    line.textContent = [note, pending].filter(Boolean).join(" ");
  }

  // Excel copies a block as lines of tab-separated cells, with a line end after the last.
  function parseBlock(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") {
      lines.pop();
    }
    return lines.map(function (line) {
      return line.split("\t").map(function (cell) {
        var quoted = cell.length > 1 && cell.charAt(0) === '"' && cell.slice(-1) === '"';
        return quoted ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      });
    });
  }

  function onPaste(event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("grid-cell")) {
      return;
    }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0 && text.indexOf("\r") < 0) {
      return; // one figure: the input's own paste
    }
    event.preventDefault();
    var at = locate(input);
    var values = parseBlock(text);
    var filled = 0;
    var outside = 0;
    values.forEach(function (line, i) {
      var row = at.cells[at.r + i];
      line.forEach(function (value, j) {
        var cell = row && row[at.c + j];
        if (cell) {
          cell.value = value.trim();
          mark(cell);
          filled++;
        } else if (value.trim() !== "") {
          outside++;
        }
      });
    });
    var said = "已粘贴 " + filled + " 个单元格。";
    if (outside) {
      said += "另有 " + outside + " 个数字超出本表范围，未填入。";
    }
    status(said);
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-grid-form")) {
      return;
    }
    var changes = changedInputs().map(function (input) {
      return {
        row: input.getAttribute("data-row"),
        column: input.getAttribute("data-column"),
        value: normal(input.value),
      };
    });
    form.querySelector("[data-grid-changes]").value = JSON.stringify(changes);
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("paste", onPaste);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("grid-cell")) {
      event.target.select();
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("grid-cell")) {
      mark(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    status();
  });
})();
