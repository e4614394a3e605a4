Feature: An agent garbage-collected from the registry is unknown
  Once registry GC has pruned an unreachable agent, the master has no record of it:
  it is unknown, as if it had never been seen.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rules I3, I4
  Scenario: A garbage-collected unreachable agent is unknown to the master
    Given the master flag registry_max_agent_age is 1h
    When agent "a1" is partitioned from the master
    And the clock reaches 1h14m59s
    Then the master considers agent "a1" unreachable
    When the clock reaches 1h15m
    Then the master considers agent "a1" unknown
