"""The synthetic county, simulated year by year into the rows of ordinary source files.

What matters for evaluation is how new university–enterprise collaborations arise: each year a
firm picks a new partner by field fit, shared people (alumni among its staff, students it trains
with the university), chain peers and suppliers already working with that university, a little
popularity and noise (Gumbel) — so a temporal hold-out can be predicted from the graph, and the
most popular university is often, but not always, the right answer.

Everything is drawn from one ``random.Random(seed)`` over lists in a fixed order: the same seed
gives the same rows. The stages, in the order :meth:`County.build` runs them, live by concept:
directories of chains, organisations and enterprises in :mod:`~ingest.synthetic.firms`, people
in :mod:`~ingest.synthetic.people`, ties year by year in :mod:`~ingest.synthetic.cooperation`;
what they share in :mod:`~ingest.synthetic.state`.
"""

from __future__ import annotations

from ingest.synthetic.cooperation import Cooperation
from ingest.synthetic.firms import Firms
from ingest.synthetic.people import People
from ingest.synthetic.state import Row


class County(Firms, People, Cooperation):
    """Builds every file's rows. ``scale`` multiplies the enterprises and what hangs off them."""

    def build(self) -> dict[str, list[Row]]:
        self._chains()
        self._research_orgs()
        self._enterprises()
        self._talents()
        self._joint_training()
        self._supply()
        self._collaborations()
        self._platforms()
        self._patents()
        self._projects()
        self._enterprise_rows()
        return dict(self.rows)
