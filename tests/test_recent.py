"""``Recent``: the last few values by key, made once while they stay among the last few."""

from tui.recent import Recent


def test_a_value_is_made_once_while_among_the_last_few_then_again():
    made: list[str] = []
    recent: Recent[str] = Recent(2)

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert recent.get("a", make("a")) == "A"
    assert recent.get("b", make("b")) == "B"
    assert recent.get("a", make("a")) == "A"  # kept, and now the most recent
    assert recent.get("c", make("c")) == "C"  # drops "b", the least recent
    assert recent.get("a", make("a")) == "A"
    assert recent.get("b", make("b")) == "B"
    assert made == ["a", "b", "c", "b"]
    recent.clear()
    recent.get("a", make("a"))
    assert made[-1] == "a"
