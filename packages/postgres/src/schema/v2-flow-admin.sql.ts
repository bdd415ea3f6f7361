// Version 2, flow limits as the processes write them, and their status for admins.
export const flowAdminV2 = `
-- Limits of the names given; \`{}\` removes a name's limits; names not given keep theirs.
CREATE FUNCTION @s.set_flow_limits(p_queue text, p_limits jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM @s.flow_limits WHERE queue = p_queue AND name IN (SELECT key FROM jsonb_each(p_limits) WHERE value = '{}'::jsonb);
  INSERT INTO @s.flow_limits (queue, name, limits) SELECT p_queue, key, value FROM jsonb_each(p_limits) WHERE value <> '{}'::jsonb
  ON CONFLICT (queue, name) DO UPDATE SET limits = excluded.limits;
  PERFORM @s.wake(p_queue);
END $$;

-- FlowStatus as JSON: limits, usage per name, and the busiest lanes with waiting jobs.
CREATE FUNCTION @s.flow_status(p_queue text, p_lane_limit integer) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := @s.now_ms();
  v_limits jsonb;
  v_names jsonb;
  v_lanes jsonb;
BEGIN
  SELECT coalesce(jsonb_object_agg(name, limits), '{}'::jsonb) INTO v_limits FROM @s.flow_limits WHERE queue = p_queue;
  SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'name', w.name, 'group', w.grp, 'waiting', w.n,
      'running', (SELECT count(*) FROM @s.jobs a WHERE a.queue = p_queue AND a.state = 'active' AND a.lane IS NOT NULL
                  AND a.name = w.name AND (w.grp IS NULL OR a.lane = w.lane)),
      'startsInWindow', @s.starts_in_window(p_queue, w.lane, m.limits->(CASE WHEN w.grp IS NULL THEN 'rate' ELSE 'groupRate' END), v_now),
      'heldUntil', (SELECT until FROM @s.flow_holds h WHERE h.queue = p_queue AND h.lane = w.lane AND h.until > v_now)
    )) ORDER BY w.n DESC, w.lane), '[]'::jsonb) INTO v_lanes
  FROM (SELECT lane, name, grp, count(*)::integer AS n FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane IS NOT NULL
        GROUP BY lane, name, grp ORDER BY count(*) DESC, lane LIMIT p_lane_limit) w
  LEFT JOIN @s.flow_limits m ON m.queue = p_queue AND m.name = w.name;
  SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
      'name', n.name,
      'running', (SELECT count(*) FROM @s.jobs a WHERE a.queue = p_queue AND a.state = 'active' AND a.lane IS NOT NULL AND a.name = n.name),
      'startsInWindow', @s.starts_in_window(p_queue, @s.lane_key(n.name, NULL), m.limits->'rate', v_now),
      'heldUntil', (SELECT until FROM @s.flow_holds h WHERE h.queue = p_queue AND h.lane = @s.lane_key(n.name, NULL) AND h.until > v_now)
    )) ORDER BY n.name), '[]'::jsonb) INTO v_names
  FROM (SELECT name FROM @s.flow_limits WHERE queue = p_queue
        UNION SELECT DISTINCT name FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane IS NOT NULL) n
  LEFT JOIN @s.flow_limits m ON m.queue = p_queue AND m.name = n.name;
  RETURN jsonb_build_object('limits', v_limits, 'names', v_names, 'lanes', v_lanes);
END $$;
`;
