import pytest

from intake.imports import reading
from intake.imports.columns import guess_columns, is_contact_file
from intake.imports.engine import ImportEngine, MemoryRecorder
from tests.caseload.factories import (
    CommuneFactory,
    DepartementFactory,
    StaffProfileFactory,
    TerritoryFactory,
)


@pytest.fixture
def departement():
    return DepartementFactory(code="45", name="Loiret")


@pytest.fixture
def territory(departement):
    territory = TerritoryFactory(departement=departement, name="Agglomération montargoise")
    CommuneFactory(territory=territory, insee_code="45208", name="Montargis", postcode="45200")
    CommuneFactory(territory=territory, insee_code="45004", name="Amilly", postcode="45200")
    CommuneFactory(
        territory=territory, insee_code="45284", name="Saint-Jean-de-Braye", postcode="45800"
    )
    return territory


@pytest.fixture
def admin(departement, territory):
    return StaffProfileFactory(
        admin=True, structure__departement=departement, territories=[territory]
    )


@pytest.fixture
def run_import(departement, territory):
    """Run the engine on bytes; returns the recorder."""

    def _run(data, *, dry_run=False, user=None, batch_size=None, sheet="", kind=""):
        import io

        fileobj = io.BytesIO(data)
        info = reading.detect(fileobj)
        sheet = sheet or (
            reading.best_sheet(fileobj, info.sheet_names) if info.kind == "xlsx" else ""
        )
        headers = reading.read_headers(fileobj, info, sheet)
        kind = kind or ("contacts" if is_contact_file(headers) else "people")
        recorder = MemoryRecorder()
        ImportEngine(
            departement=departement,
            fileobj=fileobj,
            info=info,
            columns=guess_columns(headers),
            sheet_name=sheet,
            acting_user=user,
            dry_run=dry_run,
            recorder=recorder,
            batch_size=batch_size,
            kind=kind,
        ).run()
        return recorder

    return _run


def problems_of(recorder, line):
    return [
        (column, reason)
        for issue in recorder.issues
        if issue.line_number == line
        for column, reason in issue.problems
    ]


@pytest.fixture(autouse=True)
def empty_import_storage():
    """Each test starts with no uploaded file left by another one."""
    import shutil
    from pathlib import Path

    from django.core.files.storage import storages

    location = Path(storages["imports"].location)
    if location.exists():
        shutil.rmtree(location)
    location.mkdir(parents=True)
