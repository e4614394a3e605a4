Feature: A slow registry does not change the cluster the Given steps build
  The cluster the Given steps describe stands at time 0 whatever the registry write
  latency: the latency applies to what happens afterwards.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rules E1, D4
  Scenario: Given steps build a registered cluster whatever the registry write latency
    Given the registry write latency is 5s
    Then agent "a1" is still running task "c1"
    And the master considers agent "a1" registered
