"""Security promises that can be checked without a database: templates, forms, the PDF fetcher, redirects.

Each test names the promise of docs/SECURITY.md it keeps.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from wtforms import Form
from wtforms.fields import FieldList, FormField, HiddenField, StringField
from wtforms.validators import EqualTo, Length

import practice
from practice import create_app
from practice.access import is_safe_next
from practice.pdf.fetcher import StaticOnlyFetcher

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT_ROOT / "templates"

# An inline <script> (one without src=), an on*= event attribute, or a javascript: URL.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def test_templates_hold_no_inline_script():
    """The CSP forbids inline script; a template that relied on it would break silently in every browser."""
    offenders = [f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for match in INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def _form_classes() -> list[type[Form]]:
    """Every form class defined in a `forms` module of the package."""
    classes = []
    for module_info in pkgutil.walk_packages(practice.__path__, "practice."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        classes += [value for value in vars(module).values()
                    if isinstance(value, type) and issubclass(value, Form) and value.__module__ == module.__name__]
    return classes


def _fields(form):
    """The form's fields, with those inside field lists and sub-forms."""
    for field in form:
        if isinstance(field, FieldList):
            if not field.entries:
                field.append_entry()
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _fields(field.form)
        else:
            yield field


def _is_bounded(field) -> bool:
    # A confirmation field must equal a bounded field, so it is bounded too.
    return any((isinstance(validator, Length) and validator.max is not None and validator.max >= 0)
               or isinstance(validator, EqualTo) for validator in field.validators)


def test_every_text_field_a_person_types_has_a_length_limit():
    """A length limit with a form error on every text field, not a database error on a long paste."""
    app = create_app({"ENV_NAME": "testing", "TESTING": True, "SECRET_KEY": "unit-test-key-" * 3,
                      "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    classes = _form_classes()
    assert len(classes) >= 10, "the scan should find the app's forms"
    unbounded = []
    with app.test_request_context():
        for form_class in classes:
            for field in _fields(form_class()):
                # Hidden fields carry ids and row versions the views parse as numbers, never free text.
                if isinstance(field, StringField) and not isinstance(field, HiddenField) and not _is_bounded(field):
                    unbounded.append(f"{form_class.__name__}.{field.name}")
    assert unbounded == []


def _weasyprint_calls():
    """(file, line, keyword names) of every HTML(...) and CSS(...) call in the package."""
    for path in sorted(Path(practice.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("HTML", "CSS"):
                    yield path.name, node.lineno, {keyword.arg for keyword in node.keywords}


def test_every_weasyprint_call_goes_through_the_url_fetcher():
    """WeasyPrint's default fetcher reads file:// and http(s)://: no HTML() or CSS() may be made without ours."""
    calls = list(_weasyprint_calls())
    assert calls, "the scan should find the PDF rendering calls"
    assert [(name, line) for name, line, keywords in calls if "url_fetcher" not in keywords] == []


def test_the_fetcher_refuses_a_link_that_leads_out_of_the_static_folder(tmp_path):
    """A symbolic link inside static/ to a file outside it is followed to its real path, and refused."""
    static, outside = tmp_path / "static", tmp_path / "secret.txt"
    static.mkdir()
    outside.write_text("not for PDFs")
    (static / "own.css").write_text("body {}")
    (static / "link.css").symlink_to(outside)
    fetcher = StaticOnlyFetcher(static)
    assert fetcher.is_allowed_file((static / "own.css").as_uri())
    assert not fetcher.is_allowed_file((static / "link.css").as_uri())
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch((static / "link.css").as_uri())


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "///evil.example", " //evil.example",
    "/\\/evil.example", "https:evil.example", "HTTPS://evil.example", "data:text/html,<b>x</b>",
])
def test_next_refuses_what_a_browser_would_read_as_another_site(target):
    """Browsers drop tabs and line breaks from URLs: "/<tab>/evil.example" would become "//evil.example"."""
    assert is_safe_next(target) is False


def test_a_document_over_the_size_cap_is_refused_before_rendering():
    """An oversized document never reaches WeasyPrint, where it would hold a worker; the user gets a reason."""
    from practice.pdf.rendering import MAX_HTML_BYTES, RenderError, RenderRequest, render_pdf

    static = PROJECT_ROOT / "static"
    job = RenderRequest(html="<p>" + "é" * (MAX_HTML_BYTES // 2) + "</p>", base_url=static.as_uri() + "/",
                        static_root=str(static))
    with pytest.raises(RenderError, match="too large to print"):
        render_pdf(job, timeout=0.001)  # a render that started would time out instead, with another message
