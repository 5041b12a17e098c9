/** Workflows with updates, as a user would write them for Temporal. */
import * as wf from '@temporalio/workflow';

export const addItem = wf.defineUpdate<number, [string]>('addItem');
export const finish = wf.defineSignal('finish');
export const itemsQuery = wf.defineQuery<string[]>('items');

/** A cart: addItem validates (no empty item), fails in its handler for 'poison', returns the count; finish ends it. */
export async function cartWorkflow(): Promise<string[]> {
  const items: string[] = [];
  let done = false;
  wf.setHandler(
    addItem,
    async (item) => {
      if (item === 'poison') throw wf.ApplicationFailure.create({ message: 'poisoned item refused by the handler', type: 'Poison' });
      items.push(item);
      return items.length;
    },
    {
      validator: (item) => {
        if (item === '') throw new Error('an item must not be empty');
      },
    },
  );
  wf.setHandler(finish, () => {
    done = true;
  });
  wf.setHandler(itemsQuery, () => items);
  await wf.condition(() => done);
  return items;
}
