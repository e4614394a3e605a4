Feature: Quirks of the Mesos code that the model reproduces
  A few behaviours come from how the Mesos master is written rather than from a
  design choice. Frameworks meet them all the same, so the model keeps them.

  # Rule N2
  Scenario: A recovered agent marked gone stays recovered, so reconciling its tasks gets no answer
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    When the host of agent "a1" dies
    And the master fails over
    And "cassandra" resubscribes
    And the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And the master considers agent "a1" gone
    When "cassandra" reconciles task "c1" on agent "a1"
    And "cassandra" reconciles task "c1"
    Then "cassandra" receives no updates

  # Rules N3, A7
  Scenario: A reregistration does not cancel a transition to unreachable that waits for its permit
    Given the master flag agent_removal_rate_limit is 1/10mins
    And agents "a1" and "a2"
    When pongs from agent "a1" are dropped
    And pongs from agent "a2" are dropped
    And 100s pass
    Then the master considers agent "a1" unreachable
    And the master considers agent "a2" registered
    When agent "a2" re-detects the master
    And 10s pass
    Then the master considers agent "a2" registered
    When 10m pass
    Then the master considers agent "a2" unreachable
    And agent "a2" is marked unreachable at 11m30s

  # Rules N5, D5
  Scenario: A partition-aware framework hears of an unreachable agent through the same agent-lost event as any other
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    When agent "a1" is partitioned from the master for 100s
    Then "cassandra" is told exactly once that agent "a1" is lost
    And "spark" is told exactly once that agent "a1" is lost
    And "cassandra" receives no updates
