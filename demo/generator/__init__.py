"""Demo data: a realistic, deterministic dataset of three Départements (three
more per further 100,000 people past 200,000, shaped like them, so that a
territory keeps a real one's size at any scale: `reference.geography`).

`seed_demo()` builds, for a seed and a reference day, the same people, staff,
pathways and deadlines every time: every random draw comes from one
`random.Random(seed)` and one `Faker("fr_FR")` seeded with the same seed, in a
fixed order, and every date is computed from the reference day.

How it works, in three passes so that no cap is ever exceeded (and a fourth
for the demo referents' agendas):

1. plan: who lives where, at which stage, in which programme (cheap tuples);
2. staff: as many referents per territory as the plan needs, each filled to a
   share of their effective cap (cap × part-time ratio, rounded down), then
   every followed person is given a referent or a binôme;
3. rows: people and their history are generated chunk by chunk as plain
   {field: value} rows, parents' ids reserved ahead, and written in bulk
   (COPY on PostgreSQL, `bulk_create` elsewhere; see `insert_rows`), with no
   query per person, inside one transaction;
4. agendas: the demo referents' places and slots, some of their people
   booked (seen, no-show, excused, to come), with their convocation messages
   and one no-show flag (a few hundred rows).

Places, programmes and figures come from the source documents (DESIGN.md);
names come from Faker and never from the sources.

The package, by topic:

- `reference`: Départements, territories, communes, structures, catalogue;
- `logins`: the demo logins and the table the command prints;
- `plan`: the plan of the people (pass 1);
- `staff`: referents, binômes and their pools (pass 2);
- `people` and `followup`: one person and their history (pass 3);
- `appointments`: the demo referents' places, slots and appointments (pass 4);
- `writer`: id reservation and the COPY / `bulk_create` insertion;
- `seeder`: `seed_demo()` and the `Seeder` running the passes;
- `helpers`: small shared helpers.
"""

from demo.generator.logins import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    demo_login_rows,
    ensure_demo_second_factor,
    has_data,
    logins_table,
)
from demo.generator.reference import max_beneficiaries
from demo.generator.seeder import DEFAULT_BENEFICIARIES, MIN_BENEFICIARIES, seed_demo
from demo.generator.writer import insert_rows

__all__ = [
    "DEFAULT_BENEFICIARIES",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "MIN_BENEFICIARIES",
    "demo_login_rows",
    "ensure_demo_second_factor",
    "has_data",
    "insert_rows",
    "logins_table",
    "max_beneficiaries",
    "seed_demo",
]
