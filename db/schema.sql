\restrict dbmate

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: food_category; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.food_category AS ENUM (
    'fruit',
    'vegetable',
    'grain',
    'protein',
    'dairy',
    'fat',
    'sweet',
    'beverage',
    'other'
);


--
-- Name: food_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.food_kind AS ENUM (
    'whole',
    'processed',
    'ultra_processed'
);


--
-- Name: generation_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.generation_status AS ENUM (
    'pending',
    'running',
    'succeeded',
    'failed'
);


--
-- Name: job_state; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.job_state AS ENUM (
    'pending',
    'running',
    'completed',
    'cancelled',
    'discarded'
);


--
-- Name: meal_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.meal_kind AS ENUM (
    'breakfast',
    'lunch',
    'dinner',
    'snack'
);


--
-- Name: pantry_unit; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.pantry_unit AS ENUM (
    'g',
    'ml',
    'piece'
);


--
-- Name: fail_generations_of_ended_job(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.fail_generations_of_ended_job() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE generations SET
        status      = 'failed',
        error       = CASE NEW.state
                          WHEN 'cancelled' THEN 'cancelled: its job was cancelled'
                          ELSE 'its job gave up after ' || NEW.attempt || ' attempts'
                               || coalesce(': ' || left(NEW.errors -> -1 ->> 'error', 500), '')
                      END,
        finished_at = now(),
        updated_at  = now()
    WHERE job_id = NEW.id AND status IN ('pending', 'running');
    RETURN NULL;
END;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: expiry_digests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.expiry_digests (
    owner_id uuid NOT NULL,
    day date NOT NULL,
    items integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT expiry_digests_items_check CHECK ((items > 0))
);


--
-- Name: food_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.food_tags (
    food_id uuid NOT NULL,
    tag_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: foods; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.foods (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid,
    name text NOT NULL,
    brand text,
    barcode text,
    kind public.food_kind NOT NULL,
    category public.food_category NOT NULL,
    energy_kcal numeric(6,2) NOT NULL,
    protein_g numeric(5,2) NOT NULL,
    fat_g numeric(5,2) NOT NULL,
    carbs_g numeric(5,2) NOT NULL,
    fiber_g numeric(5,2) DEFAULT 0 NOT NULL,
    sugar_g numeric(5,2) DEFAULT 0 NOT NULL,
    sodium_mg numeric(7,2) DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT foods_barcode_check CHECK ((barcode ~ '^[0-9]{8,14}$'::text)),
    CONSTRAINT foods_brand_check CHECK (((char_length(brand) >= 1) AND (char_length(brand) <= 100))),
    CONSTRAINT foods_carbs_g_check CHECK (((carbs_g >= (0)::numeric) AND (carbs_g <= (100)::numeric))),
    CONSTRAINT foods_energy_kcal_check CHECK (((energy_kcal >= (0)::numeric) AND (energy_kcal <= (900)::numeric))),
    CONSTRAINT foods_fat_g_check CHECK (((fat_g >= (0)::numeric) AND (fat_g <= (100)::numeric))),
    CONSTRAINT foods_fiber_g_check CHECK (((fiber_g >= (0)::numeric) AND (fiber_g <= (100)::numeric))),
    CONSTRAINT foods_macros_check CHECK ((((protein_g + fat_g) + carbs_g) <= (100)::numeric)),
    CONSTRAINT foods_name_check CHECK (((char_length(name) >= 1) AND (char_length(name) <= 200))),
    CONSTRAINT foods_protein_g_check CHECK (((protein_g >= (0)::numeric) AND (protein_g <= (100)::numeric))),
    CONSTRAINT foods_sodium_mg_check CHECK (((sodium_mg >= (0)::numeric) AND (sodium_mg <= (40000)::numeric))),
    CONSTRAINT foods_sugar_g_check CHECK (((sugar_g >= (0)::numeric) AND (sugar_g <= carbs_g)))
);


--
-- Name: COLUMN foods.owner_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.foods.owner_id IS 'lint: nullable-owner: a NULL owner is the shared catalog, which every user reads and only imports write';


--
-- Name: generations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.generations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    agent text NOT NULL,
    status public.generation_status DEFAULT 'pending'::public.generation_status NOT NULL,
    input jsonb NOT NULL,
    output jsonb,
    model text,
    prompt_tokens integer,
    completion_tokens integer,
    latency_ms integer,
    attempts integer DEFAULT 0 NOT NULL,
    error text,
    job_id bigint,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT generations_agent_check CHECK (((char_length(agent) >= 1) AND (char_length(agent) <= 100))),
    CONSTRAINT generations_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT generations_error_check CHECK (((status <> 'failed'::public.generation_status) OR (error IS NOT NULL))),
    CONSTRAINT generations_latency_ms_check CHECK ((latency_ms >= 0)),
    CONSTRAINT generations_output_check CHECK (((status <> 'succeeded'::public.generation_status) OR (output IS NOT NULL))),
    CONSTRAINT generations_tokens_check CHECK (((prompt_tokens >= 0) AND (completion_tokens >= 0)))
);


--
-- Name: job_schedules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.job_schedules (
    name text NOT NULL,
    next_run_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT job_schedules_name_check CHECK (((char_length(name) >= 1) AND (char_length(name) <= 200)))
);


--
-- Name: jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.jobs (
    id bigint NOT NULL,
    kind text NOT NULL,
    queue text DEFAULT 'default'::text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    priority smallint DEFAULT 1 NOT NULL,
    state public.job_state DEFAULT 'pending'::public.job_state NOT NULL,
    attempt integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 25 NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    unique_key text,
    timeout_ms integer,
    errors jsonb DEFAULT '[]'::jsonb NOT NULL,
    attempted_at timestamp with time zone,
    attempted_by text,
    lease_expires_at timestamp with time zone,
    cancel_requested_at timestamp with time zone,
    finished_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT jobs_attempt_check CHECK ((attempt >= 0)),
    CONSTRAINT jobs_errors_check CHECK ((jsonb_typeof(errors) = 'array'::text)),
    CONSTRAINT jobs_finished_check CHECK (((state = ANY (ARRAY['completed'::public.job_state, 'cancelled'::public.job_state, 'discarded'::public.job_state])) = (finished_at IS NOT NULL))),
    CONSTRAINT jobs_kind_check CHECK (((char_length(kind) >= 1) AND (char_length(kind) <= 100))),
    CONSTRAINT jobs_max_attempts_check CHECK (((max_attempts >= 1) AND (max_attempts <= 1000))),
    CONSTRAINT jobs_priority_check CHECK (((priority >= 1) AND (priority <= 4))),
    CONSTRAINT jobs_queue_check CHECK (((char_length(queue) >= 1) AND (char_length(queue) <= 100))),
    CONSTRAINT jobs_running_check CHECK (((state <> 'running'::public.job_state) OR (lease_expires_at IS NOT NULL))),
    CONSTRAINT jobs_timeout_ms_check CHECK (((timeout_ms >= 1) AND (timeout_ms <= 86400000))),
    CONSTRAINT jobs_unique_key_check CHECK (((char_length(unique_key) >= 1) AND (char_length(unique_key) <= 200)))
);


--
-- Name: jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.jobs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: meal_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.meal_entries (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    eaten_at timestamp with time zone NOT NULL,
    meal public.meal_kind NOT NULL,
    food_id uuid,
    grams numeric(8,2),
    recipe_id uuid,
    servings numeric(6,2),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT meal_entries_grams_check CHECK (((grams > (0)::numeric) AND (grams <= (10000)::numeric))),
    CONSTRAINT meal_entries_servings_check CHECK (((servings > (0)::numeric) AND (servings <= (100)::numeric))),
    CONSTRAINT meal_entries_source_check CHECK ((((food_id IS NOT NULL) AND (grams IS NOT NULL) AND (recipe_id IS NULL) AND (servings IS NULL)) OR ((recipe_id IS NOT NULL) AND (servings IS NOT NULL) AND (food_id IS NULL) AND (grams IS NULL))))
);


--
-- Name: pantry_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pantry_items (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    food_id uuid NOT NULL,
    quantity numeric(10,2) NOT NULL,
    unit public.pantry_unit NOT NULL,
    expires_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pantry_items_quantity_check CHECK (((quantity > (0)::numeric) AND (quantity <= (1000000)::numeric)))
);


--
-- Name: recipe_ingredients; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.recipe_ingredients (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    recipe_id uuid NOT NULL,
    "position" integer NOT NULL,
    food_id uuid NOT NULL,
    grams numeric(8,2) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT recipe_ingredients_grams_check CHECK (((grams > (0)::numeric) AND (grams <= (100000)::numeric))),
    CONSTRAINT recipe_ingredients_position_check CHECK ((("position" >= 1) AND ("position" <= 1000)))
);


--
-- Name: recipes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.recipes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    title text NOT NULL,
    servings integer NOT NULL,
    instructions text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    energy_kcal_per_serving numeric(8,2),
    protein_g_per_serving numeric(8,2),
    fat_g_per_serving numeric(8,2),
    carbs_g_per_serving numeric(8,2),
    nutrition_computed_at timestamp with time zone,
    CONSTRAINT recipes_instructions_check CHECK ((char_length(instructions) <= 20000)),
    CONSTRAINT recipes_nutrition_check CHECK (((energy_kcal_per_serving >= (0)::numeric) AND (protein_g_per_serving >= (0)::numeric) AND (fat_g_per_serving >= (0)::numeric) AND (carbs_g_per_serving >= (0)::numeric))),
    CONSTRAINT recipes_servings_check CHECK (((servings >= 1) AND (servings <= 100))),
    CONSTRAINT recipes_title_check CHECK (((char_length(title) >= 1) AND (char_length(title) <= 200)))
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    owner_id uuid NOT NULL,
    name public.citext NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tags_name_check CHECK (((char_length((name)::text) >= 1) AND (char_length((name)::text) <= 50)))
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    display_name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_display_name_check CHECK (((char_length(display_name) >= 1) AND (char_length(display_name) <= 100))),
    CONSTRAINT users_email_check CHECK ((((char_length((email)::text) >= 3) AND (char_length((email)::text) <= 254)) AND (email OPERATOR(public.~~) '%_@_%'::public.citext)))
);


--
-- Name: expiry_digests expiry_digests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.expiry_digests
    ADD CONSTRAINT expiry_digests_pkey PRIMARY KEY (owner_id, day);


--
-- Name: food_tags food_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.food_tags
    ADD CONSTRAINT food_tags_pkey PRIMARY KEY (food_id, tag_id);


--
-- Name: foods foods_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.foods
    ADD CONSTRAINT foods_pkey PRIMARY KEY (id);


--
-- Name: generations generations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generations
    ADD CONSTRAINT generations_pkey PRIMARY KEY (id);


--
-- Name: job_schedules job_schedules_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.job_schedules
    ADD CONSTRAINT job_schedules_pkey PRIMARY KEY (name);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: meal_entries meal_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meal_entries
    ADD CONSTRAINT meal_entries_pkey PRIMARY KEY (id);


--
-- Name: pantry_items pantry_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pantry_items
    ADD CONSTRAINT pantry_items_pkey PRIMARY KEY (id);


--
-- Name: recipe_ingredients recipe_ingredients_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipe_ingredients
    ADD CONSTRAINT recipe_ingredients_pkey PRIMARY KEY (id);


--
-- Name: recipe_ingredients recipe_ingredients_recipe_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipe_ingredients
    ADD CONSTRAINT recipe_ingredients_recipe_id_position_key UNIQUE (recipe_id, "position") DEFERRABLE;


--
-- Name: recipes recipes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipes
    ADD CONSTRAINT recipes_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: tags tags_owner_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_owner_id_name_key UNIQUE (owner_id, name);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);


--
-- Name: users users_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_email_key UNIQUE (email);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: food_tags_tag_id_food_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX food_tags_tag_id_food_id_idx ON public.food_tags USING btree (tag_id, food_id);


--
-- Name: foods_catalog_barcode_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX foods_catalog_barcode_key ON public.foods USING btree (barcode) WHERE (owner_id IS NULL);


--
-- Name: foods_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX foods_name_trgm_idx ON public.foods USING gin (name public.gin_trgm_ops);


--
-- Name: foods_owner_id_barcode_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX foods_owner_id_barcode_key ON public.foods USING btree (owner_id, barcode) WHERE (owner_id IS NOT NULL);


--
-- Name: foods_owner_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX foods_owner_id_created_at_id_idx ON public.foods USING btree (owner_id, created_at, id);


--
-- Name: generations_job_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generations_job_id_idx ON public.generations USING btree (job_id);


--
-- Name: generations_owner_id_agent_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generations_owner_id_agent_status_idx ON public.generations USING btree (owner_id, agent, status);


--
-- Name: generations_owner_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX generations_owner_id_created_at_id_idx ON public.generations USING btree (owner_id, created_at, id);


--
-- Name: jobs_failed_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_failed_idx ON public.jobs USING btree (finished_at DESC) WHERE (state = ANY (ARRAY['discarded'::public.job_state, 'cancelled'::public.job_state]));


--
-- Name: jobs_fetch_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_fetch_idx ON public.jobs USING btree (queue, priority, run_at, id) WHERE (state = 'pending'::public.job_state);


--
-- Name: jobs_finished_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_finished_at_idx ON public.jobs USING btree (finished_at) WHERE (finished_at IS NOT NULL);


--
-- Name: jobs_kind_unique_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX jobs_kind_unique_key_idx ON public.jobs USING btree (kind, unique_key) WHERE ((unique_key IS NOT NULL) AND (state = ANY (ARRAY['pending'::public.job_state, 'running'::public.job_state, 'completed'::public.job_state])));


--
-- Name: jobs_lease_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_lease_idx ON public.jobs USING btree (lease_expires_at) WHERE (lease_expires_at IS NOT NULL);


--
-- Name: jobs_retrying_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_retrying_idx ON public.jobs USING btree (attempted_at DESC NULLS LAST) WHERE ((state = ANY (ARRAY['pending'::public.job_state, 'running'::public.job_state])) AND (errors <> '[]'::jsonb));


--
-- Name: meal_entries_food_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX meal_entries_food_id_idx ON public.meal_entries USING btree (food_id);


--
-- Name: meal_entries_owner_id_eaten_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX meal_entries_owner_id_eaten_at_id_idx ON public.meal_entries USING btree (owner_id, eaten_at, id);


--
-- Name: meal_entries_recipe_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX meal_entries_recipe_id_idx ON public.meal_entries USING btree (recipe_id);


--
-- Name: pantry_items_food_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pantry_items_food_id_idx ON public.pantry_items USING btree (food_id);


--
-- Name: pantry_items_owner_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pantry_items_owner_id_created_at_id_idx ON public.pantry_items USING btree (owner_id, created_at, id);


--
-- Name: pantry_items_owner_id_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pantry_items_owner_id_expiry_idx ON public.pantry_items USING btree (owner_id, COALESCE(expires_on, '9999-12-31'::date), id);


--
-- Name: recipe_ingredients_food_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX recipe_ingredients_food_id_idx ON public.recipe_ingredients USING btree (food_id);


--
-- Name: recipes_owner_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX recipes_owner_id_created_at_id_idx ON public.recipes USING btree (owner_id, created_at, id);


--
-- Name: tags_owner_id_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tags_owner_id_created_at_id_idx ON public.tags USING btree (owner_id, created_at, id);


--
-- Name: users_created_at_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX users_created_at_id_idx ON public.users USING btree (created_at, id);


--
-- Name: jobs jobs_fail_generations_of_ended_job; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER jobs_fail_generations_of_ended_job AFTER UPDATE OF state ON public.jobs FOR EACH ROW WHEN (((new.state = ANY (ARRAY['cancelled'::public.job_state, 'discarded'::public.job_state])) AND (old.state IS DISTINCT FROM new.state))) EXECUTE FUNCTION public.fail_generations_of_ended_job();


--
-- Name: expiry_digests expiry_digests_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.expiry_digests
    ADD CONSTRAINT expiry_digests_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: food_tags food_tags_food_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.food_tags
    ADD CONSTRAINT food_tags_food_id_fkey FOREIGN KEY (food_id) REFERENCES public.foods(id) ON DELETE CASCADE;


--
-- Name: food_tags food_tags_tag_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.food_tags
    ADD CONSTRAINT food_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES public.tags(id) ON DELETE CASCADE;


--
-- Name: foods foods_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.foods
    ADD CONSTRAINT foods_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: generations generations_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generations
    ADD CONSTRAINT generations_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.jobs(id) ON DELETE SET NULL;


--
-- Name: generations generations_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.generations
    ADD CONSTRAINT generations_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: meal_entries meal_entries_food_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meal_entries
    ADD CONSTRAINT meal_entries_food_id_fkey FOREIGN KEY (food_id) REFERENCES public.foods(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: CONSTRAINT meal_entries_food_id_fkey ON meal_entries; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON CONSTRAINT meal_entries_food_id_fkey ON public.meal_entries IS 'lint: no-action: a food the journal uses cannot be deleted, checked at commit so that deleting a user succeeds';


--
-- Name: meal_entries meal_entries_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meal_entries
    ADD CONSTRAINT meal_entries_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: meal_entries meal_entries_recipe_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.meal_entries
    ADD CONSTRAINT meal_entries_recipe_id_fkey FOREIGN KEY (recipe_id) REFERENCES public.recipes(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: CONSTRAINT meal_entries_recipe_id_fkey ON meal_entries; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON CONSTRAINT meal_entries_recipe_id_fkey ON public.meal_entries IS 'lint: no-action: a recipe the journal uses cannot be deleted, checked at commit so that deleting a user succeeds';


--
-- Name: pantry_items pantry_items_food_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pantry_items
    ADD CONSTRAINT pantry_items_food_id_fkey FOREIGN KEY (food_id) REFERENCES public.foods(id) ON DELETE CASCADE;


--
-- Name: pantry_items pantry_items_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pantry_items
    ADD CONSTRAINT pantry_items_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: recipe_ingredients recipe_ingredients_food_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipe_ingredients
    ADD CONSTRAINT recipe_ingredients_food_id_fkey FOREIGN KEY (food_id) REFERENCES public.foods(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: CONSTRAINT recipe_ingredients_food_id_fkey ON recipe_ingredients; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON CONSTRAINT recipe_ingredients_food_id_fkey ON public.recipe_ingredients IS 'lint: no-action: a food a recipe uses cannot be deleted, checked at commit so that deleting a user succeeds';


--
-- Name: recipe_ingredients recipe_ingredients_recipe_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipe_ingredients
    ADD CONSTRAINT recipe_ingredients_recipe_id_fkey FOREIGN KEY (recipe_id) REFERENCES public.recipes(id) ON DELETE CASCADE;


--
-- Name: recipes recipes_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recipes
    ADD CONSTRAINT recipes_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: tags tags_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict dbmate


--
-- Dbmate schema migrations
--

INSERT INTO public.schema_migrations (version) VALUES
    ('20261125090100'),
    ('20261125090200'),
    ('20261125090300'),
    ('20261125090400'),
    ('20261125090500'),
    ('20261125090600'),
    ('20261125090700'),
    ('20261125090800'),
    ('20261125110000'),
    ('20261125110100'),
    ('20261125113535'),
    ('20261203134659'),
    ('20261203231021'),
    ('20261203232055'),
    ('20261203232115'),
    ('20261204044637');
