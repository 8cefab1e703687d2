// OrgKeys web console: copy buttons. Every page works without this file; it only adds the buttons.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    button.hidden = false;
    button.addEventListener("click", function () {
        var copied = function () { status.textContent = "Copied to the clipboard."; };
        var selectInstead = function () {
            source.focus();
            source.select();
            status.textContent = "Could not copy: the key is selected, press Ctrl+C to copy it.";
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(source.value).then(copied, selectInstead);
        } else {
            selectInstead();
        }
    });
});
