from tests.visits.conftest import programme  # noqa: F401


def small_programme(**changes) -> dict:
    """A small programme file of xicheng (one union, one station), with ``changes`` to its top-level keys."""
    data = {"format": "trainer-programme", "version": 1, "district": "xicheng",
            "unions": [{"name": "月坛街道总工会", "kind": "street", "street": "月坛街道"}],
            "stations": [{"name": "月坛街道工会服务站", "union": "月坛街道总工会", "address": "北京市西城区月坛北街1号",
                          "receiving": ["1:am", "3:pm"]}]}
    data.update(changes)
    return data
