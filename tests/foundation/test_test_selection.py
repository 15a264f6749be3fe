"""The PostgreSQL run of `make test` keeps every test that uses the database."""

from tests.conftest import touches_database


def test_a_test_without_the_database_is_left_to_the_sqlite_run(request):
    assert not touches_database(request.node)


def test_a_fixture_that_asks_for_the_database_makes_the_test_a_database_test(request, units):
    assert touches_database(request.node)


def test_the_django_db_marker_makes_the_test_a_database_test(request):
    import pytest

    request.node.add_marker(pytest.mark.django_db)
    assert touches_database(request.node)
