Feature: Marking gone survives a master failover
  MARK_AGENT_GONE answers 200 only once MarkSlaveGone is in the registry, so a
  master elected after the 200 recovers the agent as gone.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rules J1, K1
  Scenario: An agent marked gone stays gone after a failover that follows the operator's successful request
    When agent "a2" is partitioned from the master
    And 100s pass
    And the operator marks agent "a2" as gone
    Then the operator's request succeeds
    When the master fails over
    Then the master considers agent "a2" gone
