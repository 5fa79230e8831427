import logging

from core.logs import log_failure

NIR = "185054523400109"


def _raise_with_personal_data():
    raise ValueError(f"duplicate key value: Key (nir)=({NIR}) already exists")


def test_a_logged_failure_names_the_exception_and_where_but_never_its_message(caplog):
    logger = logging.getLogger("tests.logs")
    try:
        _raise_with_personal_data()
    except ValueError as exc:
        log_failure(logger, "import %s failed", 42, exc=exc)

    assert "import 42 failed (ValueError at test_logs.py:" in caplog.text
    assert "_raise_with_personal_data" in caplog.text
    assert NIR not in caplog.text


def test_the_access_log_keeps_the_path_of_a_search_but_not_its_terms():
    logger = logging.getLogger("django.server")
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /equipe/file/?q=0875213&territory=3 HTTP/1.1", "200", "5120"),
        None,
    )

    assert logger.filter(record)
    assert record.getMessage() == '"GET /equipe/file/?… HTTP/1.1" 200 5120'
