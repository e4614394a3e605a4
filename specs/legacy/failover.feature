Feature: Agents missing after a master failover (Mesos 1.0)
  In Mesos 1.0 a new master gives each recovered agent agent_reregister_timeout
  (10 minutes) to come back, as later versions do, but what it does with an agent
  that misses the deadline is much smaller. Mesos 1.0 refuses
  --registry_strict=true, so Master::removeSlave for a registry entry always takes
  its non-strict branch (master.cpp:1766-1775 at 1.0.0): it deletes the agent from
  the registry and does nothing else. No framework is told the agent is lost, no
  task update is sent (the new master never learned the agent's tasks), and the
  agent is not remembered as removed, so when it comes back it is readmitted with
  its tasks (ReadmitSlave succeeds when the registry is not strict). The counters
  are the shutdown family: slave_shutdowns_scheduled, then _completed (or
  _canceled when the agent came back while waiting for a removal permit), and
  recovery_slave_removals; slave_removals does not move. These follow
  MasterTest.NonStrictRegistryWriteOnly, RateLimitRecoveredSlaveRemoval and
  CancelRecoveredSlaveRemoval in master_tests.cpp at 1.0.0.

  Background:
    Given the master runs Mesos 1.0
    And an agent "a1"
    And a framework "spark"
    And "spark" has a failover timeout of 1h
    And "spark" runs task "s1" on agent "a1"

  # Rule K3. Partitioned at 30s, the failover at 30s starts the 10 minute deadline:
  # at 10m30s the agent is deleted from the registry. Nobody is told, and no
  # update is sent. When the agent comes back it is readmitted with its task, and
  # since the master had nothing to report about the task, still nobody is told.
  Scenario: In Mesos 1.0 an agent that misses agent_reregister_timeout after a failover is only deleted from the registry and may come back
    When the clock reaches 30s
    And agent "a1" is partitioned from the master
    And the master fails over
    And "spark" resubscribes
    And the clock reaches 11m
    Then the master considers agent "a1" removed
    And "spark" is not told about agent "a1"
    And "spark" receives no updates
    And the master's metrics are:
      | metric                    | value |
      | slave_shutdowns_scheduled | 1     |
      | slave_shutdowns_completed | 1     |
      | slave_shutdowns_canceled  | 0     |
      | recovery_slave_removals   | 1     |
      | slave_removals            | 0     |
    When agent "a1" reconnects
    Then the master considers agent "a1" registered
    And agent "a1" is not told to shut down
    And agent "a1" is still running task "s1"
    And "spark" is not told about agent "a1"
    And "spark" receives no updates

  # Rule K3 with the removal rate limit of 1 per 10 minutes. The three deadlines
  # fire together at 10m30s: a1 gets the first permit at once, a2 waits for the
  # second at 20m30s and a3 for the third at 30m30s. a2 comes back at 15m, so its
  # permit, when it arrives, is counted as canceled and used up; a3 is removed at
  # 30m30s.
  Scenario: In Mesos 1.0 an agent that returns while its removal waits for a permit is kept, and the permit is used up
    Given agents "a2" and "a3"
    And the master flag agent_removal_rate_limit is 1/10mins
    When the clock reaches 30s
    And agents "a1", "a2" and "a3" are partitioned from the master
    And the master fails over
    And "spark" resubscribes
    And the clock reaches 15m
    Then the master considers agent "a1" removed
    And the master considers agent "a3" recovered
    When agent "a2" reconnects
    And the clock reaches 31m
    Then the master considers agent "a2" registered
    And the master considers agent "a3" removed
    And "spark" is not told about agent "a3"
    And the master's metrics are:
      | metric                    | value |
      | slave_shutdowns_scheduled | 3     |
      | slave_shutdowns_completed | 2     |
      | slave_shutdowns_canceled  | 1     |
      | recovery_slave_removals   | 2     |
      | slave_removals            | 0     |
