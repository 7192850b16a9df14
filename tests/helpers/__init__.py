"""Shared helpers of the tests (no tests here): worlds, sites and audit cases that several test modules build on."""
