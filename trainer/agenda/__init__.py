"""One agenda per person across the programmes (see docs/agenda.md).

    from trainer.agenda import agenda_of, clashes_of, person_of

``person_of(role, id)`` finds everyone a record is linked to (login accounts, a mentor's lawyer);
``agenda_of(person, first, last)`` lists their visits, duty shifts, placement days, meetings and bargaining
sessions; ``clashes_of(item)`` names what an item overlaps in its people's agendas; planners use ``busy_of``.
"""

from trainer.agenda.clashes import Clash, agenda_of, busy_of, clash_messages, clashes_of, refuse_clashes
from trainer.agenda.items import (
    Commitment,
    commitments_of_row,
    duty_shift_at,
    meeting_at,
    placement_day_commitments,
    visit_commitments,
)
from trainer.agenda.people import Person, people_of, person_of

__all__ = ["Clash", "Commitment", "Person", "agenda_of", "busy_of", "clash_messages", "clashes_of",
           "commitments_of_row", "duty_shift_at", "meeting_at", "people_of", "person_of", "placement_day_commitments",
           "refuse_clashes", "visit_commitments"]
